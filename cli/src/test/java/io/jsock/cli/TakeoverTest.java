package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --control PATH --takeover}: a successor takes the listeners (SCM_RIGHTS), the old server drains and exits 0, and a client under load sees no failure. */
class TakeoverTest {
    @TempDir
    Path dir;

    /** Connect, echo, close in a loop on its own thread, bounded in count; counts what failed and what came back. */
    static final class Load implements AutoCloseable {
        final AtomicLong connections = new AtomicLong(), bytes = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Load(SockAddr to, int maxConnections) {
            thread = Thread.ofPlatform().name("test-load").start(() -> {
                Random r = new Random(11);
                for (int i = 0; i < maxConnections && !stop.get(); i++) {
                    byte[] data = new byte[1 + r.nextInt(2000)];
                    r.nextBytes(data);
                    try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                        c.setTimeout(Duration.ofSeconds(30));
                        c.connect(to, Duration.ofSeconds(30));
                        c.writeFully(data);
                        c.shutdown(Shutdown.WRITE);
                        byte[] back = c.inputStream().readAllBytes();
                        if (!Arrays.equals(back, data)) failures.add("#" + i + ": " + back.length + " of " + data.length + " bytes came back");
                        else bytes.addAndGet(back.length);
                        connections.incrementAndGet();
                    } catch (Exception e) {
                        failures.add("#" + i + ": " + e.getMessage());
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(Duration.ofSeconds(60));
        }
    }

    private static JsockProcess.Run run(String... args) throws Exception {
        return JsockProcess.run(JsockProcess.command(java.util.List.of(), args), new byte[0]);
    }

    @Test
    void tenTakeoversInARowUnderLoadRefuseNoConnectionAndLoseNoByte() throws Exception {
        Path control = dir.resolve("jsock.ctl");
        ServeProcess current = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--control", control.toString(), "--grace", "10s");
        String bind = current.address().toString();
        long connectionsBefore;
        try (Load load = new Load(current.address(), 1_000_000)) {
            for (int i = 0; i < 10; i++) {
                connectionsBefore = load.connections.get();
                ServeProcess next = ServeProcess.start("serve", "echo", "--bind", bind, "--control", control.toString(), "--takeover", "--grace", "10s");
                assertThat(next.awaitLine(l -> l.startsWith("listening on"))).endsWith("; taken over from pid " + current.pid());
                assertThat(current.awaitExit()).as("the old server exits 0; it wrote %s", current.err).isZero();
                assertThat(current.err).anyMatch(l -> l.startsWith("jsock: taken over by pid " + next.pid() + ": stopping"));
                current.close();
                current = next;
                long since = connectionsBefore;
                for (int w = 0; w < 3000 && load.connections.get() == since; w++) Thread.sleep(10); // the load goes on
            }
            load.close();
            assertThat(load.failures).as("failed connects or lost bytes").isEmpty();
            assertThat(load.connections.get()).isGreaterThan(10);
        } finally {
            current.signal("TERM");
            assertThat(current.awaitExit()).isZero();
            current.close();
        }
        assertThat(control).as("the last server removes the control socket").doesNotExist();
    }

    @Test
    void aSuccessorThatFailsToStartLeavesTheOldServerServing() throws Exception {
        Path control = dir.resolve("jsock.ctl");
        try (ServeProcess old = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--control", control.toString());
             Socket busy = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            busy.bind(SockAddr.parse("127.0.0.1:0"));
            busy.listen(1); // a second --bind the successor cannot have
            JsockProcess.Run r = run("serve", "echo", "--bind", old.address().toString(), "--bind", busy.getsockname().toString(),
                    "--control", control.toString(), "--takeover");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("bind " + busy.getsockname() + ": EADDRINUSE");
            old.awaitLine(l -> l.contains("did not start"));
            try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                c.setTimeout(Duration.ofSeconds(30));
                c.connect(old.address());
                c.writeFully(new byte[] {42});
                c.shutdown(Shutdown.WRITE);
                assertThat(c.inputStream().readAllBytes()).containsExactly(42);
            }
            assertThat(old.process.isAlive()).isTrue();
            old.signal("TERM");
            assertThat(old.awaitExit()).isZero();
        }
    }

    @Test
    void takeoverWithNothingAtTheControlPathIsOneLine() throws Exception {
        JsockProcess.Run r = run("serve", "echo", "--bind", "127.0.0.1:0", "--control", dir.resolve("none.ctl").toString(), "--takeover");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("jsock: connect " + dir.resolve("none.ctl") + ": ENOENT").doesNotContain("\n");
    }

    @Test
    void aSecondServerOnALiveControlPathIsToldToTakeOver() throws Exception {
        Path control = dir.resolve("jsock.ctl");
        try (ServeProcess old = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--control", control.toString())) {
            JsockProcess.Run r = run("serve", "echo", "--bind", "127.0.0.1:0", "--control", control.toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("EADDRINUSE").contains("start this one with --takeover");
            old.signal("TERM");
            assertThat(old.awaitExit()).isZero();
        }
        assertThat(Files.exists(control)).isFalse();
    }
}
