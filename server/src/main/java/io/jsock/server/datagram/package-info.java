/**
 * The datagram server's machinery: the loops that answer each datagram with the built-in service's
 * reply (one loop, or workers over the same socket), the guards in front of every reply (the
 * reflection guard and the per-source rate), and inetd's {@code wait} convention for a program.
 * Internal: {@link io.jsock.server.DatagramServer} is the API.
 */
package io.jsock.server.datagram;
