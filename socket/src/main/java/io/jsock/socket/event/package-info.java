/**
 * The epoll toolkit for an event loop that owns its sockets: {@link io.jsock.socket.event.Epoll}
 * (epoll(7) with its event buffer), {@link io.jsock.socket.event.EventFd} (how another thread wakes
 * the loop) and {@link io.jsock.socket.event.EventIo} (recv and send on a descriptor number, without
 * the bookkeeping of {@link io.jsock.socket.Socket}, for the one thread that owns it).
 *
 * <p>Unless a parameter or a return value says otherwise, nothing here takes or returns {@code null}.
 */
package io.jsock.socket.event;
