package io.jsock.server.process;

import io.jsock.server.Model;
import io.jsock.server.TcpServer;

import static io.jsock.server.process.ProcessPerClientTest.awaitTrue;
import static io.jsock.server.process.ProcessPerClientTest.connect;
import static io.jsock.server.process.ProcessPerClientTest.exchange;
import static io.jsock.server.process.ProcessPerClientTest.ourZombies;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.process.ChildProcess;
import io.jsock.socket.process.ExitStatus;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code prefork:N} model: worker JVMs share the listener, one wakes per connection, the dead are replaced, shutdown leaves nothing. */
class PreforkTest {

    @AfterEach
    void resetHooks() {
        Preforked.statsDir = null;
        Preforked.herd = false;
    }

    static TcpServer.Builder prefork(int n) {
        return TcpServer.builder().bind("127.0.0.1:0").model(Model.prefork(n)).grace(Duration.ofSeconds(2));
    }

    @Test
    void workersServeAJavaHandlerAndShutDownLeavingNoProcess() throws Exception {
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        List<ProcessHandle> workers;
        try (TcpServer s = prefork(2).handler(new ProcessPerClientTest.Echo()).log(log::add).start()) {
            workers = awaitWorkers(2);
            for (int i = 0; i < 10; i++) assertThat(exchange(s, "hello " + i)).isEqualTo("hello " + i);
        }
        for (ProcessHandle w : workers) assertThat(w.isAlive()).isFalse();
        assertThat(ProcessHandle.current().children().toList()).isEmpty();
        assertThat(log.stream().filter(l -> l.matches("worker \\d+ exit 0"))).hasSize(2);
    }

    @Test
    void workersSpawnTheCommandPerConnection() throws Exception {
        try (TcpServer s = prefork(2).command(List.of("sh", "-c", "echo \"$PROTO $TCPLOCALPORT\"; cat")).start()) {
            awaitWorkers(2);
            for (int i = 0; i < 5; i++) {
                assertThat(exchange(s, "line " + i + "\n")).isEqualTo("TCP " + s.localAddress().port() + "\nline " + i + "\n");
            }
        }
        assertThat(ProcessHandle.current().children().toList()).isEmpty();
    }

    @Test
    void aKilledWorkerIsReplaced() throws Exception {
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = prefork(2).handler(new ProcessPerClientTest.Echo()).log(log::add).start()) {
            List<ProcessHandle> before = awaitWorkers(2);
            ProcessHandle victim = before.get(0);
            assertThat(victim.destroyForcibly()).isTrue(); // SIGKILL, by pid
            awaitTrue(() -> {
                Set<Long> now = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                        .map(ProcessHandle::pid).collect(Collectors.toSet());
                return now.size() == 2 && !now.contains(victim.pid());
            }, "the killed worker was not replaced");
            assertThat(ourZombies()).isEmpty();
            assertThat(log).anyMatch(l -> l.contains("worker " + victim.pid() + " killed by SIGKILL"));
            awaitWorkers(2);
            for (int i = 0; i < 6; i++) assertThat(exchange(s, "again " + i)).isEqualTo("again " + i);
        }
        assertThat(ProcessHandle.current().children().toList()).isEmpty();
    }

    @Test
    void oneConnectionWakesOneWorker(@TempDir Path stats) throws Exception {
        Herd h = serialConnections(stats, false);
        assertThat(h.accepted).as("connections accepted").isEqualTo(20);
        assertThat(h.wakeups).as("returns from epoll_wait").isEqualTo(20);
        assertThat(h.empty).as("wake-ups that found nothing to accept").isZero();
        assertThat(h.threadsWoken).as("accept threads the kernel woke, per connection").containsOnly(1);
    }

    @Test
    void withoutEpollExclusiveEveryWorkerWakes(@TempDir Path stats) throws Exception {
        Herd h = serialConnections(stats, true);
        assertThat(h.accepted).as("connections accepted").isEqualTo(20);
        assertThat(h.threadsWoken).as("accept threads the kernel woke, per connection: the herd").anyMatch(n -> n > 1);
    }

    /** What 20 connections did to four workers: counts from the workers, and per connection how many accept threads ran. */
    record Herd(long wakeups, long accepted, long empty, List<Integer> threadsWoken) {}

    /**
     * prefork:4; 20 connections one after another, each once all four workers wait in epoll_wait.
     * The kernel's view of who woke: the voluntary context switches of each worker's accept thread
     * (one per sleep after a wake-up), before and after each connection.
     */
    private static Herd serialConnections(Path stats, boolean herd) throws Exception {
        Preforked.statsDir = stats;
        Preforked.herd = herd;
        List<Integer> woken = new java.util.ArrayList<>();
        try (TcpServer s = prefork(4).handler(new ProcessPerClientTest.Echo()).start()) {
            List<ProcessHandle> workers = awaitWorkers(4);
            for (int i = 0; i < 20; i++) {
                long[] before = new long[workers.size()];
                for (int k = 0; k < before.length; k++) before[k] = awaitAcceptThreadWaiting(workers.get(k).pid());
                try (var c = connect(s)) {
                    c.writeFully(new byte[] {'x'});
                    byte[] one = new byte[1];
                    c.readFully(one);
                }
                int n = 0;
                for (int k = 0; k < before.length; k++) if (awaitAcceptThreadWaiting(workers.get(k).pid()) != before[k]) n++;
                woken.add(n);
            }
        }
        long[] sum = new long[3];
        try (var files = Files.list(stats)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(4); // every worker stopped in order and wrote its counts
            for (Path f : all) {
                String[] v = Files.readString(f).trim().split(" ");
                for (int i = 0; i < 3; i++) sum[i] += Long.parseLong(v[i]);
            }
        }
        System.err.printf("prefork:4%s, 20 connections one after another: %d returns from epoll_wait, %d accepted,"
                + " %d found nothing; accept threads woken per connection: %s%n",
                herd ? " without EPOLLEXCLUSIVE" : "", sum[0], sum[1], sum[2], woken);
        return new Herd(sum[0], sum[1], sum[2], woken);
    }

    /** Waits until the worker's accept thread sits in epoll_wait again; returns its voluntary context switches. */
    static long awaitAcceptThreadWaiting(long pid) throws Exception {
        long[] switches = new long[1];
        awaitTrue(() -> {
            Path t = acceptThread(pid);
            if (t == null) return false;
            for (String line : Files.readAllLines(t.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) switches[0] = Long.parseLong(line.split("\\s+")[1]);
            }
            return acceptThread(pid) != null; // still (or again) waiting after we read the count
        }, "worker " + pid + " is not waiting in epoll_wait");
        return switches[0];
    }

    /** Waits until {@code n} workers run and each has its listener (descriptor 3) in an epoll. */
    static List<ProcessHandle> awaitWorkers(int n) throws Exception {
        awaitTrue(() -> {
            List<ProcessHandle> ws = ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
            if (ws.size() != n) return false;
            for (ProcessHandle w : ws) if (epollWatchingListener(w.pid()) < 0) return false;
            return true;
        }, n + " workers did not come up");
        return ProcessHandle.current().children().toList();
    }

    /** The epoll descriptor of {@code pid} that watches descriptor 3 (per /proc/PID/fdinfo), or -1. */
    static int epollWatchingListener(long pid) throws IOException {
        Path fdinfo = Path.of("/proc", Long.toString(pid), "fdinfo");
        try (var fds = Files.list(fdinfo)) {
            for (Path p : fds.toList()) {
                try {
                    for (String line : Files.readAllLines(p)) {
                        if (line.startsWith("tfd:") && line.split("\\s+")[1].equals("3")) return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // closed while we looked
                }
            }
        } catch (IOException gone) {
            return -1;
        }
        return -1;
    }

    /** The /proc task of {@code pid}'s thread that sits in epoll_wait (x86_64: 232, 281 epoll_pwait; aarch64: 22) on the listener's epoll; null if none. */
    static Path acceptThread(long pid) throws IOException {
        int epfd = epollWatchingListener(pid);
        if (epfd < 0) return null;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String[] sc = Files.readString(t.resolve("syscall")).trim().split(" ");
                    if ((sc[0].equals("232") || sc[0].equals("281") || sc[0].equals("22")) && sc.length > 1
                            && Long.decode(sc[1]) == epfd) return t;
                } catch (IOException | NumberFormatException gone) {
                    // the thread ended, or is running ("running" has no arguments)
                }
            }
        }
        return null;
    }

    @Test
    void aWorkerWhoseParentIsAlreadyGoneExitsInsteadOfServingForever() throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.parse("127.0.0.1:0"));
            l.listen(4);
            // Pid 1 is not the worker's parent: as when the server was killed while the worker started.
            ChildProcess w = ChildProcess.builder(ChildJvm.command("worker", "--parent", "1", "service:ECHO"))
                    .devNull(0).devNull(1).descriptor(PreforkWorker.LISTENER_FD, l).start();
            try {
                ExitStatus status = w.waitFor(Duration.ofSeconds(60));
                assertThat(status).as("the worker exited by itself").isNotNull();
                assertThat(status.toString()).isEqualTo("exit 0");
            } finally {
                w.kill();
            }
        }
    }
}
