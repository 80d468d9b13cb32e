/**
 * What the event-loop models ({@code epoll}, {@code uring}) share: the loop's turn apart from its
 * wait ({@link io.jsock.server.event.loop.LoopTurns}: the stop, the listener's pause, the timers,
 * the connections' arrival and end), an {@link io.jsock.server.event.loop.EventLoopConnection}'s
 * handler-facing half, the loop's table of connections by descriptor number ({@link
 * io.jsock.server.event.loop.ByFd}) and its eventfd ({@link io.jsock.server.event.loop.LoopWaker}).
 * Each model's package keeps only how it waits and what a connection does with an event. Not exported.
 */
package io.jsock.server.event.loop;
