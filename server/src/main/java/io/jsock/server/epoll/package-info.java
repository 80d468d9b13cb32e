/**
 * The {@code epoll} model's machinery: {@code EventLoops} (the design: N loops and their listeners),
 * {@code EventLoop} (one loop: waits and dispatches), {@code LoopListener} (accepting, the cap, the
 * back-off) and {@code LoopConnection} (one connection: its interest set, its output, its end).
 * What it shares with {@code uring} is in {@code io.jsock.server.event.loop} (the loop's turn, its
 * timers, the connection's handler-facing half) and {@code io.jsock.server.serving} ({@code Arrivals},
 * {@code AcceptBackoff}). Not exported.
 */
package io.jsock.server.epoll;
