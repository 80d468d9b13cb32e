/**
 * The PROXY protocol, versions 1 and 2 (HAProxy's proxy-protocol.txt): the header a load balancer
 * sends first on each connection to say who the client really is. {@link io.jsock.server.proxy.ProxyHeaders}
 * decodes it (pure code), {@link io.jsock.server.proxy.ProxyHeaderReader} reads it off a connection
 * within a deadline, and {@link io.jsock.server.proxy.ProxyHeaders#v1}/{@code v2} write one. Not
 * exported: the server uses it, and the CLI's {@code connect --proxy}.
 */
package io.jsock.server.proxy;
