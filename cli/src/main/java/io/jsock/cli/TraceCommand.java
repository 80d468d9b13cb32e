package io.jsock.cli;

import io.jsock.socket.SockAddr;
import io.jsock.socket.packet.Capture;
import io.jsock.socket.packet.CaptureFilter;
import io.jsock.socket.packet.Packet;
import io.jsock.socket.packet.Segment;
import io.jsock.socket.packet.TcpOption;
import io.jsock.socket.packet.TcpdumpText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code jsock trace}: tcpdump with jsock's own raw sockets. A packet socket on one interface, a
 * BPF filter for the port or host asked for, one line per packet as {@code tcpdump -n} writes it.
 */
@Command(name = "trace",
        header = "Capture packets with a raw packet socket (AF_PACKET) and print them as tcpdump -n does.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Opens a packet socket (socket(AF_PACKET, SOCK_DGRAM, 0)), attaches a classic BPF filter for the port "
                    + "and host asked for (SO_ATTACH_FILTER: the kernel drops the rest), binds it to the interface with "
                    + "ETH_P_ALL, and prints each IPv4 and IPv6 packet on one line: TCP flags, seq and ack relative to "
                    + "the first segment, window, options (mss, wscale, sackOK, TS), UDP, ICMP and ICMPv6.",
            "  12:00:00.000001 IP 127.0.0.1.41986 > 127.0.0.1.9877: Flags [S], seq 3014225432, win 65495, "
                    + "options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0",
            "Ends after -c packets, after --time, or at SIGINT/SIGTERM, and then prints how many it captured on "
                    + "standard error. Needs CAP_NET_RAW (root).",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the capture ended (count, time limit or signal)",
            "1:a call failed: socket EPERM (no CAP_NET_RAW), if_nametoindex ENODEV (no such interface), "
                    + "a network namespace that cannot be entered",
            "2:bad usage: a port, host, count or duration that is not accepted (the message says what is)",
        })
final class TraceCommand implements Callable<Integer> {
    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE", defaultValue = "lo",
            description = "The interface to capture on (default: ${DEFAULT-VALUE}).")
    String iface;

    @Option(names = "--netns", paramLabel = "NAME",
            description = "Capture inside the network namespace NAME (from `ip netns list`).")
    String netns;

    @Option(names = "--port", paramLabel = "P",
            description = "Only TCP and UDP from or to port P (1 to 65535), and ICMP errors (they quote the port).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDR",
            description = "Only packets from or to the IPv4 or IPv6 address ADDR (a literal: 127.0.0.1, ::1).")
    String host;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N packets.")
    Integer count;

    @Option(names = "--time", paramLabel = "D", converter = Durations.class,
            description = "Stop after D (500ms, 5s, 2m); default: until -c or a signal.")
    Duration time;

    @Option(names = "--json", description = "One JSON object per packet and line (JSON Lines), for machines.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CaptureFilter filter = filter();
        if (count != null && count < 1) throw new IllegalArgumentException("bad --count " + count + "; expected 1 or more packets");
        if (Duration.ZERO.equals(time)) throw new IllegalArgumentException("bad --time '0'; expected " + Durations.FORMS);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Capture capture = Capture.open(netns, iface, filter); // EPERM: one line saying CAP_NET_RAW is needed
        int seen = 0;
        try (capture) {
            for (String name : List.of("INT", "TERM")) Signal.handle(new Signal(name), sig -> capture.close()); // next() then ends
            err.println("jsock: tracing on " + iface + (netns == null ? "" : " in netns " + netns) + ", filter: " + filter);
            err.flush();
            TcpdumpText text = new TcpdumpText();
            long deadline = time == null ? Long.MAX_VALUE : System.nanoTime() + time.toNanos();
            while (count == null || seen < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                Optional<Packet> p = capture.next(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
                if (p.isEmpty()) {
                    if (!capture.isOpen()) break; // a signal closed it
                    continue;
                }
                String line = text.line(p.get());
                out.println(json ? Json.line(json(p.get(), line)) : line);
                out.flush();
                seen++;
            }
        }
        err.println("jsock: " + seen + " packet" + (seen == 1 ? "" : "s") + " captured");
        err.flush();
        return 0;
    }

    private CaptureFilter filter() {
        if (port != null && (port < 1 || port > 65535)) throw new IllegalArgumentException("bad --port " + port + "; expected 1 to 65535");
        InetAddress h = null;
        if (host != null) {
            try {
                h = SockAddr.parse(host.contains(":") ? "[" + host + "]:0" : host + ":0").toJava() instanceof java.net.InetSocketAddress a
                        ? a.getAddress() : null;
            } catch (IllegalArgumentException e) {
                h = null;
            }
            if (h == null) throw new IllegalArgumentException("bad --host '" + host + "'; expected an IPv4 or IPv6 literal: 127.0.0.1, ::1");
        }
        return new CaptureFilter(h, port == null ? 0 : port);
    }

    private Map<String, Object> json(Packet p, String line) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", p.time().toString());
        m.put("interface", iface);
        m.put("direction", p.outgoing() ? "out" : "in");
        m.put("ip", p.version());
        m.put("src", p.source().getHostAddress().replaceFirst("%.*", ""));
        m.put("dst", p.destination().getHostAddress().replaceFirst("%.*", ""));
        m.put("length", p.length());
        m.put("ttl", p.hopLimit());
        switch (p.segment()) {
            case Segment.Tcp t -> {
                m.put("proto", "tcp");
                m.put("sport", t.sourcePort());
                m.put("dport", t.destinationPort());
                m.put("flags", t.flagNames());
                m.put("seq", t.seq());
                m.put("ack", t.ack());
                m.put("win", t.window());
                m.put("options", t.options().stream().map(TcpOption::toString).toList());
                m.put("payload", t.payloadLength());
            }
            case Segment.Udp u -> {
                m.put("proto", "udp");
                m.put("sport", u.sourcePort());
                m.put("dport", u.destinationPort());
                m.put("payload", u.payloadLength());
            }
            case Segment.Icmp i -> {
                m.put("proto", i.v6() ? "icmp6" : "icmp");
                m.put("type", i.type());
                m.put("code", i.code());
                if (i.quoted() != null) {
                    m.put("quoted", Map.of("proto", i.quoted().protocol(), "dst", i.quoted().destination().getHostAddress(),
                            "dport", i.quoted().destinationPort()));
                }
            }
            case Segment.Other o -> m.put("proto", o.protocol());
        }
        m.put("text", line);
        return m;
    }
}
