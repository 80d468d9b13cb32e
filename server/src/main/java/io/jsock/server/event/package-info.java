/**
 * The non-blocking handler API of the {@code epoll} model: {@link io.jsock.server.event.EventHandler}'s
 * callbacks and its contract, the {@link io.jsock.server.event.EventConnection} they write to and close,
 * and {@link io.jsock.server.event.EventServices}, the built-in services as event handlers. Exported.
 */
package io.jsock.server.event;
