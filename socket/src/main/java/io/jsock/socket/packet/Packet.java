package io.jsock.socket.packet;

import java.net.InetAddress;
import java.time.Instant;

/**
 * One captured IP packet, decoded: when it was taken, on which interface and which way, its IP
 * header's addresses and lengths, and what it carries.
 *
 * @param time when the kernel received it on the packet socket (SIOCGSTAMPNS): as it passed the interface
 * @param ifindex the interface it passed
 * @param outgoing true when this host sent it, false when it arrived (on loopback: every packet is
 *        seen once, as arriving)
 * @param version 4 or 6
 * @param source the source address
 * @param destination the destination address
 * @param length the IP packet's length, header included (IPv4 total length; IPv6 payload length + 40)
 * @param hopLimit the TTL (IPv4) or hop limit (IPv6)
 * @param segment what it carries; never null
 */
public record Packet(Instant time, int ifindex, boolean outgoing, int version, InetAddress source, InetAddress destination,
        int length, int hopLimit, Segment segment) {

    /**
     * Decodes the IP packet at the start of {@code bytes} (a DGRAM packet socket's view: no link header).
     *
     * @param bytes the bytes received
     * @param count how many of them were received
     * @param time when
     * @param ifindex on which interface
     * @param outgoing whether this host sent it
     * @return the packet, or {@code null} when it is not IPv4 or IPv6 or too short to be one
     */
    public static Packet decode(byte[] bytes, int count, Instant time, int ifindex, boolean outgoing) {
        return Decoder.ip(bytes, count, time, ifindex, outgoing);
    }

    /** {@return the TCP segment it carries, or {@code null}} */
    public Segment.Tcp tcp() {
        return segment instanceof Segment.Tcp t ? t : null;
    }

    /** {@return the source port of TCP or UDP, else 0} */
    public int sourcePort() {
        return switch (segment) {
            case Segment.Tcp t -> t.sourcePort();
            case Segment.Udp u -> u.sourcePort();
            default -> 0;
        };
    }

    /** {@return the destination port of TCP or UDP, else 0} */
    public int destinationPort() {
        return switch (segment) {
            case Segment.Tcp t -> t.destinationPort();
            case Segment.Udp u -> u.destinationPort();
            default -> 0;
        };
    }
}
