/**
 * The {@code uring} model: event loops over io_uring ({@link io.jsock.socket.event.IoUring}), serving the
 * same {@link io.jsock.server.event.EventHandler}s as {@code epoll}, sharing with it {@code io.jsock.server.event.loop}
 * (the loop's turn, its timers, the connection's handler-facing half) and {@code io.jsock.server.serving}'s {@code Arrivals}. Not exported.
 */
package io.jsock.server.uring;
