package io.jsock.socket.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes packets as {@code tcpdump -n} writes them, one line each:
 * <pre>
 * 12:00:00.000001 IP 127.0.0.1.41986 &gt; 127.0.0.1.9877: Flags [S], seq 3014225432, win 65495, options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0
 * 12:00:00.000020 IP 127.0.0.1.41986 &gt; 127.0.0.1.9877: Flags [.], ack 1, win 512, options [nop,nop,TS val 1 ecr 1], length 0
 * </pre>
 * TCP sequence and acknowledgment numbers are relative, as tcpdump makes them: a segment with ACK set
 * that opens a conversation (or carries SYN) records both directions' initial numbers and is written
 * absolute; later ones are written relative to them. So this object remembers conversations: use one
 * per capture, from one thread.
 */
public final class TcpdumpText {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private final ZoneId zone;
    // The initial sequence numbers of each conversation seen, keyed by its endpoints in one order.
    private final Map<String, long[]> conversations = new HashMap<>();

    /** Times in this machine's time zone, as tcpdump writes them. */
    public TcpdumpText() {
        this(ZoneId.systemDefault());
    }

    /**
     * Times in {@code zone}.
     *
     * @param zone the time zone of the times written
     */
    public TcpdumpText(ZoneId zone) {
        this.zone = zone;
    }

    /**
     * The line for {@code p}, with its time.
     *
     * @param p the packet
     * @return e.g. {@code 12:00:00.000001 IP 127.0.0.1.41986 > 127.0.0.1.9877: Flags [S], seq 0, ...}
     */
    public String line(Packet p) {
        return LocalTime.ofInstant(p.time(), zone).format(TIME) + " " + withoutTime(p);
    }

    /**
     * The line for {@code p} without its time: what a test compares with tcpdump's.
     *
     * @param p the packet
     * @return e.g. {@code IP 127.0.0.1.41986 > 127.0.0.1.9877: Flags [S], seq 0, ...}
     */
    public String withoutTime(Packet p) {
        String ip = p.version() == 4 ? "IP " : "IP6 ";
        String src = host(p.source()), dst = host(p.destination());
        return switch (p.segment()) {
            case Segment.Tcp t -> ip + src + "." + t.sourcePort() + " > " + dst + "." + t.destinationPort() + ": " + tcp(p, t);
            case Segment.Udp u -> ip + src + "." + u.sourcePort() + " > " + dst + "." + u.destinationPort()
                    + ": UDP, length " + u.payloadLength();
            case Segment.Icmp i -> ip + src + " > " + dst + ": " + icmp(i);
            case Segment.Other o -> ip + src + " > " + dst + ": ip-proto-" + o.protocol() + " " + o.payloadLength();
        };
    }

    private String tcp(Packet p, Segment.Tcp t) {
        long seq = t.seq(), ack = t.ack();
        if (t.has(Segment.ACK)) {
            String a = host(p.source()) + "." + t.sourcePort(), b = host(p.destination()) + "." + t.destinationPort();
            boolean reversed = a.compareTo(b) > 0;
            String key = reversed ? b + ">" + a : a + ">" + b;
            long[] isn = conversations.get(key); // [0]: the first endpoint's, [1]: the second's
            if (isn == null || t.has(Segment.SYN)) {
                isn = reversed ? new long[] {(ack - 1) & 0xFFFFFFFFL, seq} : new long[] {seq, (ack - 1) & 0xFFFFFFFFL};
                conversations.put(key, isn);
            } else {
                seq = (seq - isn[reversed ? 1 : 0]) & 0xFFFFFFFFL;
                ack = (ack - isn[reversed ? 0 : 1]) & 0xFFFFFFFFL;
            }
        }
        StringBuilder s = new StringBuilder("Flags [").append(t.flagText()).append(']');
        if (t.payloadLength() > 0 || (t.flags() & (Segment.SYN | Segment.FIN | Segment.RST)) != 0) {
            s.append(", seq ").append(seq);
            if (t.payloadLength() > 0) s.append(':').append((seq + t.payloadLength()) & 0xFFFFFFFFL);
        }
        if (t.has(Segment.ACK)) s.append(", ack ").append(ack);
        s.append(", win ").append(t.window());
        if (t.has(Segment.URG)) s.append(", urg ").append(t.urgent());
        List<TcpOption> options = t.options();
        if (!options.isEmpty()) s.append(", options [").append(TcpOption.join(options)).append(']');
        return s.append(", length ").append(t.payloadLength()).toString();
    }

    private static String icmp(Segment.Icmp i) {
        Segment.Quoted q = i.quoted();
        String about = q == null ? "?" : host(q.destination());
        String proto = q == null ? "" : q.protocol() == Decoder.TCP ? "tcp" : q.protocol() == Decoder.UDP ? "udp" : "proto-" + q.protocol();
        if (i.v6()) {
            String what = switch (i.type()) {
                case 1 -> "destination unreachable, " + switch (i.code()) {
                    case 0 -> "unreachable route " + about;
                    case 1 -> "unreachable prohibited " + about;
                    case 3 -> "unreachable address " + about;
                    case 4 -> "unreachable port, " + about + " " + proto + " port " + (q == null ? 0 : q.destinationPort());
                    default -> "code-#" + i.code() + " " + about;
                };
                case 2 -> "packet too big";
                case 3 -> "time exceeded in-transit";
                case 128 -> "echo request, id " + i.id() + ", seq " + i.sequence();
                case 129 -> "echo reply, id " + i.id() + ", seq " + i.sequence();
                default -> "type " + i.type();
            };
            return "ICMP6, " + what + ", length " + i.length();
        }
        String what = switch (i.type()) {
            case 0 -> "echo reply, id " + i.id() + ", seq " + i.sequence();
            case 8 -> "echo request, id " + i.id() + ", seq " + i.sequence();
            case 3 -> switch (i.code()) {
                case 0 -> "net " + about + " unreachable";
                case 1 -> "host " + about + " unreachable";
                case 2 -> about + " protocol " + (q == null ? 0 : q.protocol()) + " unreachable";
                case 3 -> about + " " + proto + " port " + (q == null ? 0 : q.destinationPort()) + " unreachable";
                case 9 -> "net " + about + " unreachable - admin prohibited";
                case 10 -> "host " + about + " unreachable - admin prohibited";
                case 13 -> "host " + about + " unreachable - admin prohibited filter";
                default -> about + " unreachable - code " + i.code();
            };
            case 11 -> "time exceeded in-transit";
            default -> "type-#" + i.type();
        };
        return "ICMP " + what + ", length " + i.length();
    }

    /** An address as tcpdump -n writes it: dotted IPv4, RFC 5952 IPv6. */
    static String host(InetAddress a) {
        if (a instanceof Inet4Address) return a.getHostAddress();
        return new io.jsock.socket.SockAddr.Inet6((Inet6Address) a, 0).host();
    }
}
