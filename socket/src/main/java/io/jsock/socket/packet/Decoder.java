package io.jsock.socket.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads IPv4 and IPv6 headers and what follows them out of captured bytes; never reads past what was captured. */
final class Decoder {
    private Decoder() {}

    static final int TCP = 6, UDP = 17, ICMP = 1, ICMPV6 = 58;

    static Packet ip(byte[] b, int n, Instant time, int ifindex, boolean outgoing) {
        if (n < 1) return null;
        int version = (b[0] & 0xff) >>> 4;
        if (version == 4 && n >= 20) {
            int ihl = (b[0] & 0x0f) * 4;
            int total = u16(b, 2);
            if (ihl < 20 || n < ihl) return null;
            int protocol = b[9] & 0xff;
            boolean laterFragment = (u16(b, 6) & 0x1fff) != 0; // no transport header in it
            Segment s = laterFragment ? new Segment.Other(protocol, total - ihl)
                    : transport(b, Math.min(n, total), ihl, total - ihl, protocol, false);
            return new Packet(time, ifindex, outgoing, 4, addr(b, 12, 4), addr(b, 16, 4), total, b[8] & 0xff, s);
        }
        if (version == 6 && n >= 40) {
            int payload = u16(b, 4);
            int next = b[6] & 0xff;
            Segment s = transport(b, Math.min(n, 40 + payload), 40, payload, next, true);
            return new Packet(time, ifindex, outgoing, 6, addr(b, 8, 16), addr(b, 24, 16), 40 + payload, b[7] & 0xff, s);
        }
        return null;
    }

    /** The segment at {@code off}; {@code length} is what the IP header says it is, {@code n} where the captured bytes end. */
    private static Segment transport(byte[] b, int n, int off, int length, int protocol, boolean v6) {
        if (protocol == TCP && n - off >= 20) return tcp(b, n, off, length);
        if (protocol == UDP && n - off >= 8) return new Segment.Udp(u16(b, off), u16(b, off + 2), u16(b, off + 4) - 8);
        if ((protocol == ICMP && !v6 || protocol == ICMPV6 && v6) && n - off >= 8) return icmp(b, n, off, length, v6);
        return new Segment.Other(protocol, length);
    }

    private static Segment.Tcp tcp(byte[] b, int n, int off, int length) {
        int headerLength = ((b[off + 12] & 0xff) >>> 4) * 4;
        List<TcpOption> options = options(b, off + 20, Math.min(n, off + headerLength));
        return new Segment.Tcp(u16(b, off), u16(b, off + 2), u32(b, off + 4), u32(b, off + 8), b[off + 13] & 0xff,
                u16(b, off + 14), u16(b, off + 18), options, length - headerLength);
    }

    private static List<TcpOption> options(byte[] b, int at, int end) {
        List<TcpOption> out = new ArrayList<>();
        while (at < end) {
            int kind = b[at] & 0xff;
            if (kind == 0) { out.add(new TcpOption(TcpOption.Kind.EOL, List.of())); break; }
            if (kind == 1) { out.add(new TcpOption(TcpOption.Kind.NOP, List.of())); at++; continue; }
            if (at + 1 >= end) break; // a kind without its length: the header was cut
            int len = b[at + 1] & 0xff;
            if (len < 2 || at + len > end) break;
            out.add(switch (kind) {
                case 2 -> new TcpOption(TcpOption.Kind.MSS, len >= 4 ? List.of((long) u16(b, at + 2)) : List.of(0L));
                case 3 -> new TcpOption(TcpOption.Kind.WSCALE, List.of((long) (b[at + 2] & 0xff)));
                case 4 -> new TcpOption(TcpOption.Kind.SACK_OK, List.of());
                case 5 -> {
                    List<Long> edges = new ArrayList<>();
                    for (int i = at + 2; i + 4 <= at + len; i += 4) edges.add(u32(b, i));
                    yield new TcpOption(TcpOption.Kind.SACK, edges);
                }
                case 8 -> new TcpOption(TcpOption.Kind.TIMESTAMPS, len >= 10 ? List.of(u32(b, at + 2), u32(b, at + 6)) : List.of(0L, 0L));
                default -> new TcpOption(TcpOption.Kind.UNKNOWN, List.of((long) kind));
            });
            at += len;
        }
        return out;
    }

    private static Segment.Icmp icmp(byte[] b, int n, int off, int length, boolean v6) {
        int type = b[off] & 0xff, code = b[off + 1] & 0xff;
        boolean echo = v6 ? type == 128 || type == 129 : type == 0 || type == 8;
        int id = echo ? u16(b, off + 4) : 0, seq = echo ? u16(b, off + 6) : 0;
        Segment.Icmp shell = new Segment.Icmp(v6, type, code, id, seq, null, length);
        if (!shell.isError()) return shell;
        return new Segment.Icmp(v6, type, code, id, seq, quoted(b, n, off + 8), length);
    }

    private static Segment.Quoted quoted(byte[] b, int n, int at) {
        if (n - at < 1) return null;
        int version = (b[at] & 0xff) >>> 4;
        int ip, protocol;
        InetAddress src, dst;
        if (version == 4 && n - at >= 20) {
            ip = (b[at] & 0x0f) * 4;
            protocol = b[at + 9] & 0xff;
            src = addr(b, at + 12, 4);
            dst = addr(b, at + 16, 4);
        } else if (version == 6 && n - at >= 40) {
            ip = 40;
            protocol = b[at + 6] & 0xff;
            src = addr(b, at + 8, 16);
            dst = addr(b, at + 24, 16);
        } else {
            return null;
        }
        boolean ports = (protocol == TCP || protocol == UDP) && n - at - ip >= 4;
        return new Segment.Quoted(protocol, src, dst, ports ? u16(b, at + ip) : 0, ports ? u16(b, at + ip + 2) : 0);
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }

    private static InetAddress addr(byte[] b, int at, int len) {
        try {
            byte[] a = Arrays.copyOfRange(b, at, at + len);
            // Inet6Address's own factory for 16 bytes: InetAddress's would turn ::ffff:a.b.c.d into IPv4.
            return len == 4 ? InetAddress.getByAddress(a) : java.net.Inet6Address.getByAddress(null, a, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes are always an address
        }
    }
}
