package io.jsock.socket.packet;

import java.net.InetAddress;
import java.util.List;

/** What an IP packet carries, decoded: a TCP segment, a UDP datagram, an ICMP message, or another protocol. */
public sealed interface Segment permits Segment.Tcp, Segment.Udp, Segment.Icmp, Segment.Other {

    /** TCP's flag bits, as in the header's thirteenth byte. */
    int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;

    /**
     * A TCP segment (RFC 9293): its header and how many bytes of data it carries.
     *
     * @param sourcePort the source port
     * @param destinationPort the destination port
     * @param seq the sequence number, as sent (unsigned 32 bits)
     * @param ack the acknowledgment number, as sent (meaningful with {@link #ACK})
     * @param flags the flag bits, e.g. {@code SYN | ACK}
     * @param window the window, as sent (not scaled)
     * @param urgent the urgent pointer
     * @param options the options, in order; never null
     * @param payloadLength the bytes of data (from the IP length, not what was captured)
     */
    record Tcp(int sourcePort, int destinationPort, long seq, long ack, int flags, int window, int urgent,
            List<TcpOption> options, int payloadLength) implements Segment {
        /** Copies the options. */
        public Tcp {
            options = List.copyOf(options);
        }

        /**
         * Whether all of {@code bits} are set.
         *
         * @param bits flag bits, e.g. {@code SYN | ACK}
         * @return true when every one is set
         */
        public boolean has(int bits) {
            return (flags & bits) == bits;
        }

        /** {@return the flags as tcpdump writes them between brackets: {@code S}, {@code S.}, {@code F.}, {@code R}, {@code none}} */
        public String flagText() {
            StringBuilder b = new StringBuilder();
            if ((flags & FIN) != 0) b.append('F');
            if ((flags & SYN) != 0) b.append('S');
            if ((flags & RST) != 0) b.append('R');
            if ((flags & PSH) != 0) b.append('P');
            if ((flags & ACK) != 0) b.append('.');
            if ((flags & URG) != 0) b.append('U');
            if ((flags & ECE) != 0) b.append('E');
            if ((flags & CWR) != 0) b.append('W');
            return b.isEmpty() ? "none" : b.toString();
        }

        /** {@return the flags as the text names them: SYN, SYN-ACK, ACK, FIN, FIN-ACK, RST, RST-ACK, PSH-ACK, ...} */
        public String flagNames() {
            StringBuilder b = new StringBuilder();
            String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
            int[] order = {1, 0, 2, 3, 5, 6, 7, 4}; // SYN, FIN, RST, PSH, URG, ECE, CWR, then ACK last
            for (int i : order) {
                if ((flags & (1 << i)) != 0) b.append(b.isEmpty() ? "" : "-").append(names[i]);
            }
            return b.isEmpty() ? "none" : b.toString();
        }
    }

    /**
     * A UDP datagram.
     *
     * @param sourcePort the source port
     * @param destinationPort the destination port
     * @param payloadLength the bytes of data (UDP length less its 8-byte header)
     */
    record Udp(int sourcePort, int destinationPort, int payloadLength) implements Segment {}

    /**
     * An ICMP (IPv4) or ICMPv6 message, with the header it quotes when it is an error.
     *
     * @param v6 true for ICMPv6
     * @param type the type, e.g. 3 (destination unreachable) or, for ICMPv6, 1
     * @param code the code, e.g. 3 (port unreachable) or, for ICMPv6, 4
     * @param id the identifier of an echo request or reply, else 0
     * @param sequence the sequence number of an echo request or reply, else 0
     * @param quoted the packet an error quotes (its IP header and first 8 bytes), or {@code null}
     * @param length the ICMP message's length, header included
     */
    record Icmp(boolean v6, int type, int code, int id, int sequence, Quoted quoted, int length) implements Segment {
        /** {@return true for an error: destination unreachable, time exceeded, ... (it quotes a packet)} */
        public boolean isError() {
            return v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        }
    }

    /**
     * The start of the packet an ICMP error is about: its addresses, its protocol and, for TCP and UDP,
     * its ports (the first 8 bytes of a TCP header also hold the sequence number).
     *
     * @param protocol the quoted packet's protocol, e.g. 6 for TCP
     * @param source its source address
     * @param destination its destination address
     * @param sourcePort its source port, or 0
     * @param destinationPort its destination port, or 0
     */
    record Quoted(int protocol, InetAddress source, InetAddress destination, int sourcePort, int destinationPort) {}

    /**
     * A protocol this package does not decode.
     *
     * @param protocol the IP protocol number
     * @param payloadLength the bytes after the IP header
     */
    record Other(int protocol, int payloadLength) implements Segment {}
}
