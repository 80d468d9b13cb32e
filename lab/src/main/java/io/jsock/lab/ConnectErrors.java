package io.jsock.lab;

import io.jsock.lab.draw.Ladder;

import io.jsock.lab.net.NetCounters;
import io.jsock.lab.net.TestNetwork;
import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoConnectException;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.ErrnoNoRouteToHostException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.net.Inet4Address;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * UNP 4.3: connect's errors, each produced on a namespaced client ↔ router ↔ server network: RST
 * (ECONNREFUSED), no answer (ETIMEDOUT), a router's ICMP host or network unreachable (EHOSTUNREACH,
 * ENETUNREACH), and no route at all. Every connect has TCP_SYNCNT = 1 so that each ends within seconds.
 */
final class ConnectErrors implements Experiment {
    @Override
    public String name() {
        return "connect-errors";
    }

    @Override
    public String section() {
        return "4.3";
    }

    @Override
    public String claim() {
        return "connect fails with ETIMEDOUT when the SYN gets no answer, with ECONNREFUSED at once on an RST (hard error), "
                + "and with EHOSTUNREACH or ENETUNREACH when a router answers ICMP unreachable (a soft error: the SYN is "
                + "retried and the error reported when the retries give up).";
    }

    /**
     * One connect: its errno (null: it connected), how long it took, and what the namespaces counted
     * meanwhile: SYNs the client sent and retransmitted, ICMP unreachables it received, RSTs the server sent.
     */
    private record Attempt(Errno errno, String message, long millis, long segmentsSent, long synRetransmissions, long icmps,
            long rsts) {}

    @Override
    public void run(Findings f) throws Exception {
        String unavailable = TestNetwork.unavailableReason();
        if (unavailable != null) {
            f.skip(unavailable); // e.g. "network namespaces need root (this process's uid is not 0)"
            return;
        }
        try (TestNetwork net = TestNetwork.create(); Wire wire = Wire.on(f, net.client(), "eth0", 80)) {
            f.saw("network: " + net + "; every connect from its own client address, TCP_SYNCNT 1 (one SYN retry, ~3 s)");
            Attempt refused = attempt(net, net.clientAddresses().get(1), net.serverAddress());
            report(f, "RST from the server host (no listener on port 80)", net.serverAddress(), refused, Errno.ECONNREFUSED);
            Ladder rst = draw(f, wire, net, "ECONNREFUSED: the server host answers the SYN with RST", 1, net.serverAddress());
            if (rst != null) {
                f.expect(rst.arrows().stream().anyMatch(a -> !a.rightward() && a.flags().startsWith("RST")),
                        "no RST came back on the wire: " + Handshake.describe(rst.arrows()));
            }
            f.expect(refused.synRetransmissions() == 0, "ECONNREFUSED came after SYN retransmissions: a hard error ends at once");
            f.expect(refused.rsts() == 1, "the server host sent " + refused.rsts() + " RSTs, not one");

            Attempt host = attempt(net, net.clientAddresses().get(2), net.hostUnreachableAddress());
            report(f, "router: route 'unreachable' (ICMP host unreachable)", net.hostUnreachableAddress(), host, Errno.EHOSTUNREACH);
            Ladder icmp = draw(f, wire, net, "EHOSTUNREACH: the router answers the SYN with ICMP host unreachable", 2,
                    net.hostUnreachableAddress());
            if (icmp != null) {
                f.expect(icmp.arrows().stream().anyMatch(a -> !a.rightward() && a.flags().equals("ICMP")),
                        "no ICMP came back on the wire: " + Handshake.describe(icmp.arrows()));
            }
            softError(f, host);

            wire.ladder("", "", net.clientAddress(), 0, ""); // not drawn: the next attempts' segments start clean
            Attempt prohibited = attempt(net, net.clientAddresses().get(5), net.prohibitedAddress());
            report(f, "router: route 'prohibit' (ICMP admin. prohibited)", net.prohibitedAddress(), prohibited, Errno.EHOSTUNREACH,
                    "EHOSTUNREACH_prohibited");
            softError(f, prohibited);

            Attempt netUnreach = attempt(net, net.clientAddresses().get(3), net.netUnreachableAddress());
            report(f, "router: no route (ICMP net unreachable)", net.netUnreachableAddress(), netUnreach, Errno.ENETUNREACH);
            softError(f, netUnreach);

            Attempt unrouted = attempt(net, net.clientAddress(), net.unroutedAddress());
            report(f, "client: no route at all (nothing sent)", net.unroutedAddress(), unrouted, Errno.ENETUNREACH);
            f.expect(unrouted.segmentsSent() == 0, "a SYN left for an address the client has no route to");

            wire.ladder("", "", net.clientAddress(), 0, "");
            Attempt timedOut = attempt(net, net.clientAddresses().get(4), net.silentAddress());
            report(f, "router forwards to a MAC nobody has (no answer)", net.silentAddress(), timedOut, Errno.ETIMEDOUT);
            Ladder silence = draw(f, wire, net, "ETIMEDOUT: the SYN and its retransmission get no answer", 4, net.silentAddress());
            if (silence != null) {
                f.expect(!silence.arrows().isEmpty() && silence.arrows().stream().allMatch(a -> a.rightward() && a.flags().equals("SYN")),
                        "the silent address's ladder is not SYNs alone: " + Handshake.describe(silence.arrows()));
            }
            f.expect(timedOut.synRetransmissions() >= 1, "ETIMEDOUT without retransmitting the SYN");
            f.expect(timedOut.icmps() == 0, "ICMP arrived for the silent address");
            java.nio.file.Path linear = java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_syn_linear_timeouts");
            if (java.nio.file.Files.exists(linear)) {
                String n = java.nio.file.Files.readAllLines(linear).get(0).trim(); // readString stops early on sysctl files
                f.saw("  SYN retry schedule: net.ipv4.tcp_syn_linear_timeouts = " + n + " (the first " + n
                        + " SYN retransmissions come 1 s apart, then the interval doubles)");
                f.fact("tcpSynLinearTimeouts", Integer.parseInt(n));
            }
        }
    }

    /** The ladder of the last attempt, from client address {@code index} to port 80 of {@code to}. */
    private static Ladder draw(Findings f, Wire wire, TestNetwork net, String title, int index, Inet4Address to) throws Exception {
        Inet4Address from = net.clientAddresses().get(index);
        return wire.draw(f, title, "client " + from.getHostAddress(), from, 0, to.getHostAddress() + ":80 (via the router)");
    }

    private static void report(Findings f, String how, Inet4Address to, Attempt a, Errno want) {
        report(f, how, to, a, want, want.name() + (how.startsWith("client") ? "_local" : ""));
    }

    private static void report(Findings f, String how, Inet4Address to, Attempt a, Errno want, String key) {
        f.saw(String.format("%-52s connect %s: %s after %d ms; SYNs %d + %d retransmitted, ICMP unreachables in %d, RSTs %d",
                how, to.getHostAddress() + ":80", a.errno() == null ? "CONNECTED" : a.errno().name(), a.millis(),
                a.segmentsSent(), a.synRetransmissions(), a.icmps(), a.rsts()));
        f.expect(a.errno() == want, "connect to " + to.getHostAddress() + " gave " + (a.errno() == null ? "success" : a.message())
                + ", not " + want);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errno", a.errno() == null ? null : a.errno().name());
        m.put("millis", a.millis());
        m.put("synRetransmissions", a.synRetransmissions());
        m.put("icmpUnreachables", a.icmps());
        f.fact(key, m);
    }

    /**
     * The text: a soft error, remembered while the SYN is retried and reported when the retries give
     * up. Linux (tcp_v4_err in SYN_SENT): an ICMP unreachable ends the connect at once with its errno,
     * unless a system call holds the socket just then; only then is it kept as a soft error. The
     * first ICMP often comes back while connect(2) itself still holds the socket (the SYN goes out and
     * the ICMP returns within the call), so the retransmitted SYN's ICMP ends it.
     */
    private static void softError(Findings f, Attempt a) {
        if (a.errno() == null) return;
        long syns = 1 + a.synRetransmissions();
        if (a.synRetransmissions() == 0) {
            f.differs(a.errno() + " came with the first ICMP, without a SYN retry: in SYN_SENT, Linux's tcp_v4_err() ends the "
                    + "connect at the ICMP unless a system call holds the socket at that moment");
        } else if (a.millis() < 2500) {
            f.differs(a.errno() + " came with the ICMP answering SYN " + syns + " of " + syns + ", after " + a.millis()
                    + " ms, before the retries gave up (~3 s). Linux's tcp_v4_err() keeps an ICMP in SYN_SENT as a soft error "
                    + "only while a system call holds the socket (the first ICMP returns within connect() itself) and "
                    + "otherwise ends the connect at once");
        } else {
            f.saw("  " + a.errno() + " was kept as a soft error while the SYN was retried, and reported when the retries gave up");
        }
        f.expect(a.icmps() >= 1, a.errno() + " without an ICMP unreachable arriving");
    }

    /** A connect from the client namespace, from {@code from}, to port 80 of {@code to}. */
    private static Attempt attempt(TestNetwork net, Inet4Address from, Inet4Address to) throws Exception {
        NetCounters client0 = net.counters(net.client()), server0 = net.counters(net.server());
        Attempt a = net.call(net.client(), () -> {
            try (Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                s.bind(SockAddr.of(from, 0));
                s.setOption(SockOpt.TCP_SYNCNT, 1);
                long start = System.nanoTime();
                Errno errno = null;
                String message = null;
                try {
                    s.connect(SockAddr.of(to, 80));
                } catch (ErrnoException | ErrnoConnectException | ErrnoNoRouteToHostException e) {
                    errno = e.errno();
                    message = e.getMessage();
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                return new Attempt(errno, message, millis, 0, 0, 0, 0);
            }
        });
        NetCounters client1 = net.counters(net.client()), server1 = net.counters(net.server());
        return new Attempt(a.errno(), a.message(), a.millis(), client1.since(client0, "Tcp", "OutSegs"),
                client1.since(client0, "TcpExt", "TCPSynRetrans"), client1.since(client0, "Icmp", "InDestUnreachs"),
                server1.since(server0, "Tcp", "OutRsts"));
    }
}
