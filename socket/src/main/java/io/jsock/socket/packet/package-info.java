/**
 * Capturing packets with jsock's own raw sockets, as tcpdump does: a {@link io.jsock.socket.Family#PACKET}
 * socket bound to one interface with a classic BPF filter ({@link io.jsock.socket.packet.CaptureFilter}),
 * each packet decoded ({@link io.jsock.socket.packet.Packet}: IPv4, IPv6, TCP, UDP, ICMP, ICMPv6) and
 * written as tcpdump writes it ({@link io.jsock.socket.packet.TcpdumpText}). Needs CAP_NET_RAW.
 */
package io.jsock.socket.packet;
