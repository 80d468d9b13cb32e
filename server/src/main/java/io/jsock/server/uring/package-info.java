/**
 * The {@code uring} model: event loops over io_uring ({@link io.jsock.socket.event.IoUring}), serving the
 * same {@link io.jsock.server.event.EventHandler}s as {@code epoll}. Not exported.
 */
package io.jsock.server.uring;
