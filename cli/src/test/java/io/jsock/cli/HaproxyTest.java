package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code jsock serve echo --proxy-protocol} instances behind a real HAProxy running
 * {@code deploy/haproxy.cfg} (mode tcp, leastconn, send-proxy-v2, check-send-proxy), all on
 * loopback, each with a control socket of its own: every instance serves and logs the client's real
 * address; one SIGKILLed under a running load costs only its own connections, HAProxy marks it
 * down, and restarted it joins back (UP, served to); a sibling replaced by {@code --takeover} of its
 * control socket under the load costs nothing and is never down.
 */
class HaproxyTest {
    /** The client's own address: 127.0.0.5, so that it cannot be mistaken for HAProxy's 127.0.0.1. */
    private static final String CLIENT = "127.0.0.5";
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private ServeProcess instance(int n, String bind, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "echo", "--bind", bind, "--proxy-protocol", "--proxy-from", "127.0.0.1/32", "-v",
                "--control", dir.resolve("jsock" + n + ".ctl").toString()));
        args.addAll(List.of(more));
        return ServeProcess.start(args.toArray(String[]::new));
    }

    @Test
    void threeInstancesServeBehindHaproxyAndOneKilledCostsOnlyItsConnections() throws Exception {
        ServeProcess[] jsock = {instance(1, "127.0.0.1:0"), instance(2, "127.0.0.1:0"), instance(3, "127.0.0.1:0")};
        List<ServeProcess> replaced = new ArrayList<>(); // the ones taken over: they exit by themselves
        Process haproxy = null;
        Load load = null;
        try {
            SockAddr front = SockAddr.parse("127.0.0.1:" + freePort());
            Path stats = dir.resolve("haproxy.sock");
            ProcessBuilder pb = new ProcessBuilder("haproxy", "-db", "-f", Path.of("..", "deploy", "haproxy.cfg").toAbsolutePath().normalize().toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile());
            pb.environment().put("JSOCK_FRONTEND", front.toString());
            pb.environment().put("HAPROXY_STATS", stats.toString());
            for (int i = 0; i < 3; i++) pb.environment().put("JSOCK_" + (i + 1), jsock[i].address().toString());
            try {
                haproxy = pb.start();
            } catch (IOException notInstalled) {
                throw new AssertionError("haproxy is not installed: run scripts/install-deps.sh", notInstalled);
            }
            awaitStatus(stats, Map.of("jsock1", "UP", "jsock2", "UP", "jsock3", "UP"));

            // Every instance serves, and logs the client's own address (from the header), not HAProxy's.
            assertThat(echoes(front, 60)).as("failed short connections").isEmpty();
            for (ServeProcess j : jsock) {
                assertThat(j.err).as("%s logs the client through the PROXY header", j.address())
                        .anyMatch(l -> l.matches("\\S+ jsock: #\\d+ " + Pattern.quote(CLIENT) + ":\\d+ > " + Pattern.quote(front.toString())
                                + " open \\(PROXY v2 via 127\\.0\\.0\\.1:\\d+\\)"))
                        .noneMatch(l -> l.contains(" open") && l.contains("#") && !l.contains("PROXY v2"));
            }

            // Nine long connections, spread by leastconn; which instance holds which, from their logs.
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 9; i++) {
                    Socket c = client(front);
                    held.add(c);
                    c.writeFully(new byte[] {(byte) i});
                    assertThat(c.inputStream().read()).isEqualTo(i);
                }
                Map<Integer, Integer> holder = new HashMap<>();
                for (Socket c : held) holder.put(c.getsockname().port(), holderOf(jsock, c.getsockname().port()));
                assertThat(holder.values()).as("leastconn spreads them").containsOnly(0, 1, 2);

                load = new Load(front); // a connect/echo/close loop, running through the kill
                load.awaitRounds(20);
                jsock[1].process.destroyForcibly(); // SIGKILL, mid-run
                assertThat(jsock[1].process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                List<Integer> failed = new ArrayList<>(), survived = new ArrayList<>();
                for (Socket c : held) {
                    int port = c.getsockname().port();
                    if (echoesOne(c)) survived.add(port);
                    else failed.add(port);
                }
                List<Integer> onKilled = holder.entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey).toList();
                assertThat(failed).as("exactly the killed instance's connections fail").containsExactlyInAnyOrderElementsOf(onKilled);
                assertThat(survived).hasSize(9 - onKilled.size());
            } finally {
                for (Socket c : held) c.close();
            }
            awaitStatus(stats, Map.of("jsock1", "UP", "jsock2", "DOWN", "jsock3", "UP"));
            int before = load.rounds();
            load.awaitRounds(before + 60);
            List<Load.Failure> atTheKill = load.failures();
            // A failed short connection of the load was on the killed instance (or reached none before it died).
            for (Load.Failure f : atTheKill) {
                for (int i : new int[] {0, 2}) {
                    assertThat(jsock[i].err).as("%s failed; a survivor had it", f).noneMatch(l -> l.contains(" " + CLIENT + ":" + f.port() + " > "));
                }
            }
            assertThat(load.failuresSince(before)).as("the load once HAProxy marked it down: redispatched, none fails").isEmpty();

            // Restarted (a dead instance has nothing to take over: its listener went with it), it joins back:
            // its own port and its own control socket (the stale file is replaced), UP, and served to.
            jsock[1].close();
            jsock[1] = instance(2, jsock[1].address().toString());
            awaitStatus(stats, Map.of("jsock1", "UP", "jsock2", "UP", "jsock3", "UP"));
            ServeProcess back = jsock[1];
            int rejoined = load.rounds();
            for (int round = 0; round < 2000 && back.err.stream().noneMatch(l -> l.contains(" " + CLIENT + ":")); round++) {
                load.awaitRounds(rejoined + 10 * (round + 1));
            }
            assertThat(back.err).as("the restarted instance serves again").anyMatch(l -> l.contains(" " + CLIENT + ":"));
            assertThat(load.failuresSince(rejoined)).as("the load while it joined back").isEmpty();

            // A sibling replaced by --takeover of its control socket, under the same load: never down, nothing fails.
            int upgrade = load.rounds();
            ServeProcess old = jsock[2];
            jsock[2] = instance(3, old.address().toString(), "--takeover");
            replaced.add(old);
            assertThat(jsock[2].awaitLine(l -> l.contains("jsock: listening on"))).endsWith("; taken over from pid " + old.pid());
            assertThat(old.awaitExit()).as("the old one drains and exits 0").isZero();
            load.awaitRounds(load.rounds() + 60);
            assertThat(status(stats)).containsEntry("jsock3", "UP");
            assertThat(load.failuresSince(upgrade)).as("the load through the takeover").isEmpty();
            assertThat(dir.resolve("haproxy.log")).content().as("HAProxy's own log of the servers' states")
                    .contains("jsock2 is DOWN").doesNotContain("jsock3 is DOWN");
            load.stop();
            assertThat(jsock[2].err).as("the successor serves").anyMatch(l -> l.contains(" " + CLIENT + ":"));
        } finally {
            if (load != null) load.stop();
            if (haproxy != null) {
                haproxy.destroy();
                if (!haproxy.waitFor(30, TimeUnit.SECONDS)) haproxy.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            for (ServeProcess j : jsock) {
                if (j.process.isAlive()) {
                    j.signal("TERM");
                    assertThat(j.awaitExit()).isZero();
                }
                j.close();
            }
            for (ServeProcess r : replaced) r.close();
        }
    }

    /**
     * connect/echo/close rounds through HAProxy on a thread of its own, until {@link #stop} (bounded: 100,000
     * rounds, 5 minutes); each failure kept with the round and the client port it had.
     */
    private static final class Load {
        record Failure(int round, int port, String why) {}

        private final Thread thread;
        private final List<Failure> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile int rounds;
        private volatile boolean stopping;

        Load(SockAddr front) {
            thread = Thread.ofPlatform().name("haproxy-load").start(() -> {
                long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                for (int i = 0; i < 100_000 && !stopping && System.nanoTime() < end; i++) {
                    byte[] data = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                    int port = -1;
                    try (Socket c = client(front)) {
                        port = c.getsockname().port();
                        c.writeFully(data);
                        c.shutdown(Shutdown.WRITE);
                        byte[] back = c.inputStream().readAllBytes();
                        if (!java.util.Arrays.equals(back, data)) failures.add(new Failure(i, port, back.length + " bytes back"));
                    } catch (IOException e) {
                        failures.add(new Failure(i, port, e.getMessage()));
                    }
                    rounds = i + 1;
                }
            });
        }

        int rounds() {
            return rounds;
        }

        /** Waits (bounded: 60 s) until {@code n} rounds have run. */
        void awaitRounds(int n) throws InterruptedException {
            for (int i = 0; i < 6000 && rounds < n; i++) {
                if (!thread.isAlive()) throw new AssertionError("the load ended after " + rounds + " rounds");
                Thread.sleep(10);
            }
            assertThat(rounds).as("rounds of the load").isGreaterThanOrEqualTo(n);
        }

        List<Failure> failures() {
            return List.copyOf(failures);
        }

        List<Failure> failuresSince(int round) {
            return failures.stream().filter(f -> f.round() >= round).toList();
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    /** Which instance's log has the open line of the client port {@code port}, waiting (bounded) for it. */
    private static int holderOf(ServeProcess[] jsock, int port) throws InterruptedException {
        String needle = " " + CLIENT + ":" + port + " > ";
        for (int w = 0; w < 3000; w++) {
            for (int i = 0; i < jsock.length; i++) {
                if (jsock[i].err.stream().anyMatch(l -> l.contains(needle))) return i;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no instance logged client port " + port);
    }

    private static Socket client(SockAddr front) throws IOException {
        Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
        boolean success = false;
        try {
            c.setTimeout(LIMIT);
            c.bind(SockAddr.parse(CLIENT + ":0"));
            c.connect(front, LIMIT);
            success = true;
            return c;
        } finally {
            if (!success) c.close();
        }
    }

    /** One byte there and back on a held connection: false when the connection is gone. */
    private static boolean echoesOne(Socket c) {
        try {
            c.writeFully(new byte[] {9});
            return c.inputStream().read() == 9;
        } catch (IOException gone) {
            return false;
        }
    }

    /** {@code n} connect/echo/close rounds through HAProxy; the failures, each in a line. */
    private static List<String> echoes(SockAddr front, int n) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
            try (Socket c = client(front)) {
                c.writeFully(data);
                c.shutdown(Shutdown.WRITE);
                byte[] back = c.inputStream().readAllBytes();
                if (!new String(back, StandardCharsets.US_ASCII).equals("hello " + i)) failures.add("#" + i + ": " + back.length + " bytes back");
            } catch (IOException e) {
                failures.add("#" + i + ": " + e.getMessage());
            }
        }
        return failures;
    }

    private static final Pattern STAT = Pattern.compile("^jsock,(jsock\\d),(?:[^,]*,){15}([A-Z]+)", Pattern.MULTILINE);

    /** Waits (bounded: 60 s) until HAProxy's stats give each server the status wanted. */
    private static void awaitStatus(Path stats, Map<String, String> wanted) throws Exception {
        Map<String, String> now = Map.of();
        for (int i = 0; i < 600; i++) {
            now = status(stats);
            if (now.entrySet().containsAll(wanted.entrySet())) return;
            Thread.sleep(100);
        }
        throw new AssertionError("HAProxy's servers are " + now + ", not " + wanted);
    }

    /** "show stat" on the stats socket: each server's status (UP, DOWN, ...). */
    private static Map<String, String> status(Path stats) {
        Map<String, String> m = new HashMap<>();
        try (Socket s = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            s.setTimeout(LIMIT);
            s.connect(SockAddr.Local.path(stats.toString()));
            s.writeFully("show stat\n".getBytes(StandardCharsets.US_ASCII));
            Matcher x = STAT.matcher(new String(s.inputStream().readAllBytes(), StandardCharsets.US_ASCII));
            while (x.find()) m.put(x.group(1), x.group(2));
        } catch (IOException notYet) {
            // HAProxy is starting: no socket yet
        }
        return m;
    }

    private static int freePort() throws IOException {
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            s.bind(SockAddr.parse("127.0.0.1:0"));
            return s.getsockname().port();
        }
    }
}
