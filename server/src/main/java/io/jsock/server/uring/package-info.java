/**
 * The {@code uring} model: event loops over io_uring ({@link io.jsock.socket.event.IoUring}), serving the
 * same {@link io.jsock.server.event.EventHandler}s as {@code epoll}, sharing with it {@code io.jsock.server.event.loop}
 * and {@code io.jsock.server.serving}'s {@code Arrivals} and {@code LoopTimers}. Not exported.
 */
package io.jsock.server.uring;
