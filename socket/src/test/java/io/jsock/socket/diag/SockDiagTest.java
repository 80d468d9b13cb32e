package io.jsock.socket.diag;

import io.jsock.socket.Errno;
import io.jsock.socket.SockOpt;
import io.jsock.socket.TcpState;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.ErrnoSocketTimeoutException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SockDiag against iproute2's {@code ss -tan} as the oracle: for sockets this test makes (a full
 * completed queue, a client whose SYN is dropped, unread bytes, IPv6, dual stack), the same sockets
 * in the same states with the same queue figures.
 */
class SockDiagTest {
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (Socket s : sockets) s.close();
    }

    private Socket open(Family f) throws IOException {
        Socket s = Socket.open(f, SocketType.STREAM, Protocol.DEFAULT);
        sockets.add(s);
        return s;
    }

    private Socket listener(String address, int backlog) throws IOException {
        Socket l = open(address.startsWith("[") ? Family.INET6 : Family.INET);
        l.bind(SockAddr.parse(address));
        l.listen(backlog);
        return l;
    }

    private Socket client(SockAddr to) throws IOException {
        Socket c = open(to.family());
        c.connect(to);
        return c;
    }

    @Test
    void aListenerReportsItsCompletedQueueAsRecvQAndItsBacklogAsSendQLikeSs() throws Exception {
        Socket l = listener("127.0.0.1:0", 2);
        SockAddr at = l.getsockname();
        for (int i = 0; i < 3; i++) client(at); // backlog + 1 complete (Linux: full means more than backlog)
        Socket late = open(Family.INET);
        // The queue is full: this SYN is dropped and retried, so connect does not complete.
        assertThatThrownBy(() -> late.connect(at, Duration.ofMillis(300))).isInstanceOf(ErrnoSocketTimeoutException.class);

        List<DiagSocket> mine = mine(SockDiag.tcp(SockDiag.ALL_STATES), Set.of(at.port()));
        DiagSocket listen = mine.stream().filter(DiagSocket::isListener).findFirst().orElseThrow();
        assertThat(listen.rqueue()).isEqualTo(3);
        assertThat(listen.wqueue()).isEqualTo(2);
        assertThat(listen.inode()).isPositive();
        assertThat(mine).filteredOn(s -> s.state() == TcpState.SYN_SENT).hasSize(1);
        assertThat(mine).filteredOn(s -> s.state() == TcpState.ESTABLISHED).hasSize(6); // 3 clients, 3 queued
        assertThat(lines(mine)).isEqualTo(ssLines(Set.of(at.port())));
    }

    @Test
    void unreadBytesShowAsRecvQOfTheConnectedSocketLikeSs() throws Exception {
        Socket l = listener("127.0.0.1:0", 8);
        Socket c = client(l.getsockname());
        Socket s = l.accept().socket();
        sockets.add(s);
        c.writeFully(new byte[1234]);
        waitUntil(() -> mine(SockDiag.tcp(SockDiag.ALL_STATES), Set.of(l.getsockname().port())).stream()
                .anyMatch(d -> d.rqueue() == 1234));
        SockAddr served = s.getsockname();
        List<DiagSocket> mine = mine(SockDiag.tcp(SockDiag.ALL_STATES), Set.of(l.getsockname().port()));
        assertThat(mine).filteredOn(d -> d.local().equals(served) && d.state() == TcpState.ESTABLISHED).singleElement()
                .satisfies(d -> assertThat(d.rqueue()).isEqualTo(1234));
        assertThat(lines(mine)).isEqualTo(ssLines(Set.of(l.getsockname().port())));
    }

    @Test
    void ipv6AndDualStackListenersMatchSs() throws Exception {
        Socket v6 = listener("[::1]:0", 5);
        client(v6.getsockname());
        Socket dual = open(Family.INET6);
        dual.setOption(SockOpt.IPV6_V6ONLY, false);
        dual.bind(SockAddr.anyInet6(0));
        dual.listen(4);
        client(SockAddr.loopback4(dual.getsockname().port())); // IPv4 into a dual-stack listener: mapped addresses
        Socket only = open(Family.INET6);
        only.setOption(SockOpt.IPV6_V6ONLY, true);
        only.bind(SockAddr.anyInet6(0));
        only.listen(3);
        Set<Integer> ports = Set.of(v6.getsockname().port(), dual.getsockname().port(), only.getsockname().port());
        List<DiagSocket> mine = mine(SockDiag.tcp(SockDiag.ALL_STATES), ports);
        assertThat(mine).filteredOn(DiagSocket::isListener).extracting(DiagSocket::family).containsOnly(Family.INET6);
        assertThat(mine).filteredOn(DiagSocket::isDualStackWildcard).singleElement()
                .satisfies(d -> assertThat(d.local().port()).isEqualTo(dual.getsockname().port()));
        assertThat(lines(mine)).isEqualTo(ssLines(ports));
    }

    @Test
    void aPortFilterRunInTheKernelKeepsExactlyTheSocketsOnThatPort() throws Exception {
        Socket l = listener("127.0.0.1:0", 8);
        int port = l.getsockname().port();
        client(l.getsockname());
        Socket other = listener("127.0.0.1:0", 8);
        client(other.getsockname());
        List<DiagSocket> filtered = SockDiag.tcp(SockDiag.ALL_STATES, port);
        assertThat(filtered).hasSize(3) // the listener, the client, the queued connection
                .allMatch(d -> d.local().port() == port || d.peer().port() == port);
        assertThat(lines(filtered)).isEqualTo(lines(mine(SockDiag.tcp(SockDiag.ALL_STATES), Set.of(port))));
    }

    @Test
    void onlyTheAskedStatesComeBack() throws Exception {
        Socket l = listener("127.0.0.1:0", 8);
        client(l.getsockname());
        List<DiagSocket> listening = mine(SockDiag.tcp(Set.of(TcpState.LISTEN)), Set.of(l.getsockname().port()));
        assertThat(listening).singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(TcpState.LISTEN));
    }

    @Test
    void aProtocolWithoutDiagnosticsComesBackAsTheKernelsNetlinkError() {
        // No sock_diag handler for IPPROTO_ICMPV6 on inet: the kernel answers NLMSG_ERROR (ENOENT or EINVAL).
        assertThatThrownBy(() -> SockDiag.dump(Family.INET, Protocol.of(200), SockDiag.ALL_STATES))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.syscall()).isEqualTo("sock_diag");
                    assertThat(e.errno()).isIn(Errno.ENOENT, Errno.EINVAL);
                });
    }

    // ---- the oracle

    private static List<DiagSocket> mine(List<DiagSocket> all, Set<Integer> ports) {
        return all.stream().filter(d -> ports.contains(d.local().port()) || ports.contains(d.peer().port())).toList();
    }

    /** Each socket as ss -tan writes it: "STATE RECVQ SENDQ LOCAL PEER", sorted. */
    private static Set<String> lines(List<DiagSocket> sockets) {
        Set<String> out = new TreeSet<>();
        for (DiagSocket d : sockets) {
            out.add(ssState(d.state()) + " " + d.rqueue() + " " + d.wqueue() + " " + ssAddress(d, d.local(), false)
                    + " " + ssAddress(d, d.peer(), true));
        }
        return out;
    }

    private static String ssState(TcpState s) {
        return switch (s) {
            case ESTABLISHED -> "ESTAB";
            case FIN_WAIT1 -> "FIN-WAIT-1";
            case FIN_WAIT2 -> "FIN-WAIT-2";
            case CLOSE -> "UNCONN";
            default -> s.name().replace('_', '-');
        };
    }

    private static String ssAddress(DiagSocket d, SockAddr a, boolean peer) {
        String port = peer && a.port() == 0 ? "*" : Integer.toString(a.port());
        if (d.isDualStackWildcard()) return "*:" + port;
        if (a instanceof SockAddr.Inet6 v6) return "[" + compress((Inet6Address) v6.address()) + "]:" + port;
        return ((SockAddr.Inet4) a).address().getHostAddress() + ":" + port;
    }

    /** RFC 5952 text, as inet_ntop writes it (the oracle's side, written independently of the cli's). */
    private static String compress(Inet6Address a) {
        byte[] b = a.getAddress();
        boolean mapped = true;
        for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
        if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
            return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        String full = a.getHostAddress().replaceAll("%.*", "");
        String s = ":" + full + ":";
        String best = null;
        for (int n = 8; n >= 2 && best == null; n--) {
            String run = ":" + "0:".repeat(n);
            if (s.contains(run)) best = run;
        }
        if (best != null) s = s.replaceFirst(best, "::");
        s = s.substring(1, s.length() - 1);
        if (s.startsWith(":") && !s.startsWith("::")) s = ":" + s;
        if (s.endsWith(":") && !s.endsWith("::")) s = s + ":";
        return s.isEmpty() ? "::" : s;
    }

    private static Set<String> ssLines(Set<Integer> ports) throws Exception {
        List<String> filter = new ArrayList<>();
        for (int p : ports) {
            if (!filter.isEmpty()) filter.add("or");
            filter.addAll(List.of("sport", "=", ":" + p, "or", "dport", "=", ":" + p));
        }
        List<String> cmd = new ArrayList<>(List.of("ss", "-tanH"));
        cmd.addAll(filter);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Set<String> lines = new TreeSet<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            lines.add(String.join(" ", line.trim().split("\\s+")));
        }
        return lines;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Waits (at most 5 s, in 20 ms steps) for something the kernel does on its own time. */
    private static void waitUntil(Check c) throws Exception {
        for (int i = 0; i < 250 && !c.ok(); i++) Thread.sleep(20);
    }
}
