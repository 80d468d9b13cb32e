/**
 * The {@code epoll} model's machinery: {@code EventLoops} (the design: N loops and their listeners),
 * {@code EventLoop} (one loop: waits and dispatches), {@code LoopListener} (accepting, the cap, the
 * back-off) and {@code LoopConnection} (one connection: its interest set, its output, its end).
 * Touches only {@code io.jsock.server.serving} (and the API). Not exported.
 */
package io.jsock.server.epoll;
