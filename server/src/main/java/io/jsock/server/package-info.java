/**
 * The server's API: {@link io.jsock.server.TcpServer} (built by {@link io.jsock.server.TcpServer#builder()}),
 * {@link io.jsock.server.Model} (every concurrency model, each defined once as a variant of a sealed
 * type), {@link io.jsock.server.Handler} (UNP's {@code doit(connfd)}), the {@link io.jsock.server.Connection}
 * it serves, and the built-in {@link io.jsock.server.Service}s.
 *
 * <p>Where a new model goes: a variant of {@code Model}, its design class in a package of its own
 * beside {@code threads}, {@code epoll} and {@code process}, and one case in {@code Designs}, the
 * one class here that knows the designs. Exported.
 */
package io.jsock.server;
