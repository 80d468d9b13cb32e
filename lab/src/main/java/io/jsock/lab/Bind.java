package io.jsock.lab;

import io.jsock.lab.text.InetText;
import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoBindException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UNP 4.4: bind's four rows (wildcard or local address × port 0 or not) on IPv4 and IPv6, what
 * getsockname reports after bind and after connect, and where the kernel's ephemeral port fell in
 * {@code ip_local_port_range}.
 */
final class Bind implements Experiment {
    @Override
    public String name() {
        return "bind";
    }

    @Override
    public String section() {
        return "4.4";
    }

    @Override
    public String claim() {
        return "bind(wildcard or local IP, port 0 or not): with port 0 the kernel picks an ephemeral port, with the "
                + "wildcard it picks the IP (when connected); the process learns both only from getsockname.";
    }

    @Override
    public void run(Findings f) throws Exception {
        int[] range = ephemeralRange();
        f.saw("ip_local_port_range: " + range[0] + "-" + range[1]);
        f.fact("ephemeralRange", List.of(range[0], range[1]));
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Integer> chosen = new ArrayList<>();
        for (Family fam : List.of(Family.INET, Family.INET6)) {
            SockAddr wildcard = fam == Family.INET ? SockAddr.anyInet4(0) : SockAddr.anyInet6(0);
            SockAddr loopback = fam == Family.INET ? SockAddr.loopback4(0) : SockAddr.loopback6(0);
            // A server that can listen on loopback gives the wildcard rows somewhere to connect.
            try (Socket server = Socket.open(fam, SocketType.STREAM, Protocol.DEFAULT)) {
                server.bind(loopback);
                server.listen(8);
                int fixed = freePort(fam);
                rows.add(row(f, wildcard, server, range));
                rows.add(row(f, wildcard.withPort(fixed), server, range));
                rows.add(row(f, loopback, server, range));
                chosen.add(Integer.parseInt(rows.get(rows.size() - 3).get("port").toString()));
                chosen.add(Integer.parseInt(rows.get(rows.size() - 1).get("port").toString()));
                rows.add(row(f, loopback.withPort(freePort(fam)), server, range));
            }
        }
        f.fact("rows", rows);
        f.fact("chosenPorts", chosen);
        if (chosen.stream().allMatch(p -> p % 2 == 1)) {
            f.saw("every port the kernel chose for bind is odd: Linux (since 4.6) gives bind odd ports and keeps even ones for connect");
        }
    }

    /** One row: bind, getsockname, then connect and getsockname again. */
    private static Map<String, Object> row(Findings f, SockAddr asked, Socket server, int[] range) throws Exception {
        SockAddr target = server.getsockname();
        try (Socket s = Socket.open(asked.family(), SocketType.STREAM, Protocol.DEFAULT)) {
            s.bind(asked);
            SockAddr bound = s.getsockname();
            s.connect(target);
            SockAddr connected = s.getsockname();
            // The server's end closes first, so TIME_WAIT stays on its side and the port asked for is free again.
            server.setTimeout(java.time.Duration.ofSeconds(5));
            server.accept().socket().close();
            s.setTimeout(java.time.Duration.ofSeconds(5));
            s.read(new byte[1]); // the FIN: end of stream
            boolean wildIp = isWildcard(asked);
            String portNote;
            if (asked.port() == 0) {
                int p = bound.port();
                boolean inRange = p >= range[0] && p <= range[1];
                portNote = "kernel chose port " + p + (inRange ? " (in the ephemeral range, "
                        + (p - range[0]) * 100 / Math.max(1, range[1] - range[0]) + "% of the way)" : " (OUTSIDE the range)");
                f.expect(inRange, "bind " + InetText.of(asked) + ": port " + p + " is outside ip_local_port_range");
            } else {
                portNote = "port " + bound.port() + " as asked";
                f.expect(bound.port() == asked.port(), "bind " + asked + " gave port " + bound.port());
            }
            String ipNote = wildIp
                    ? "IP left to the kernel: " + hostOf(bound) + " after bind, " + hostOf(connected) + " after connect"
                    : "IP as asked: " + hostOf(bound);
            f.expect(connected.port() == bound.port(), "connect moved the bound port " + bound.port() + " to " + connected.port());
            f.expect(wildIp ? isWildcard(bound) && !isWildcard(connected) : !isWildcard(bound),
                    "bind " + asked + ": getsockname " + bound + " then " + connected);
            f.saw(String.format("bind %-15s getsockname %-15s %s; %s", InetText.of(asked), InetText.of(bound), portNote, ipNote));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("asked", InetText.of(asked));
            m.put("afterBind", InetText.of(bound));
            m.put("afterConnect", InetText.of(connected));
            m.put("port", bound.port());
            return m;
        }
    }

    /** A port nobody uses now on this family's loopback: the kernel's pick, released (fine for a moment's use). */
    private static int freePort(Family fam) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Socket probe = Socket.open(fam, SocketType.STREAM, Protocol.DEFAULT)) {
                int p = 20000 + (int) (Math.random() * 10000); // below the ephemeral range: not picked by others' binds
                try {
                    probe.bind(fam == Family.INET ? SockAddr.anyInet4(p) : SockAddr.anyInet6(p));
                    return p;
                } catch (ErrnoBindException e) {
                    if (e.errno() != Errno.EADDRINUSE) throw e;
                }
            }
        }
        throw new IllegalStateException("no free port found below the ephemeral range in 20 tries");
    }

    private static boolean isWildcard(SockAddr a) {
        return a.toJava() instanceof java.net.InetSocketAddress i && i.getAddress().isAnyLocalAddress();
    }

    private static String hostOf(SockAddr a) {
        return InetText.host(a);
    }

    /** {@code /proc/sys/net/ipv4/ip_local_port_range}: two numbers, low and high. */
    static int[] ephemeralRange() throws java.io.IOException {
        // Files.readString stops early on this sysctl file (it returned "3" here); readAllLines reads it whole.
        String[] p = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
}
