/**
 * What the event-loop models ({@code epoll}, {@code uring}) share: an {@link
 * io.jsock.server.event.loop.EventLoopConnection}'s handler-facing half, and the loop's table of
 * connections by descriptor number ({@link io.jsock.server.event.loop.ByFd}). Not exported.
 */
package io.jsock.server.event.loop;
