package io.jsock.socket;

import io.jsock.socket.internal.Libc;
import io.jsock.socket.internal.Wakeup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A platform thread that must wait while the process is out of descriptors still waits (its wait needs
 * no descriptor of its own), and close still wakes it.
 */
class OutOfDescriptorsTest {

    @Test
    void aPlatformThreadWaitsUnderEmfileAndIsStillWokenByDataAndByClose() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        List<Socket> filler = new ArrayList<>();
        String pid = Long.toString(ProcessHandle.current().pid());
        String[] original = limits();
        try {
            long open;
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                open = fds.count();
            }
            prlimit(pid, (open + 16) + ":" + original[1]);
            try {
                while (true) filler.add(Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT));
            } catch (ErrnoException e) {
                assertThat(e.errno()).isEqualTo(Errno.EMFILE);
            }

            AtomicReference<Object> got = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    pair[0].read(b);
                    got.set(b.get(0));
                } catch (Exception e) {
                    got.set(e);
                }
                done.countDown();
            });
            awaitBlocked(reader);
            pair[1].writeFully(new byte[] {42});
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(got.get()).isEqualTo((byte) 42);

            CountDownLatch woke = new CountDownLatch(1);
            AtomicInteger closedSeen = new AtomicInteger();
            Thread second = Thread.ofPlatform().start(() -> {
                try {
                    pair[0].read(ByteBuffer.allocate(1));
                } catch (SocketClosedException e) {
                    closedSeen.incrementAndGet();
                } catch (Exception e) {
                    got.set(e);
                }
                woke.countDown();
            });
            awaitBlocked(second);
            pair[0].close();
            assertThat(woke.await(10, TimeUnit.SECONDS)).as("close wakes a thread waiting under EMFILE").isTrue();
            assertThat(closedSeen).hasValue(1);
        } finally {
            filler.forEach(Socket::close);
            prlimit(pid, original[0] + ":" + original[1]);
            pair[0].close();
            pair[1].close();
        }
    }

    /** Waits until {@code t} sits in the read (its stack shows the poll, or recv(2) itself), bounded. */
    private static void awaitBlocked(Thread t) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().equals(Wakeup.class.getName()) && e.getMethodName().startsWith("poll")) return;
                if (e.getClassName().equals(Libc.class.getName()) && e.getMethodName().endsWith("Waiting")) return; // in recv(2) itself
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the reader never waited in poll: " + List.of(t.getStackTrace()));
    }

    /** This process's soft and hard RLIMIT_NOFILE, from /proc/self/limits. */
    private static String[] limits() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] f = line.trim().split("\\s+");
                return new String[] {f[3], f[4]};
            }
        }
        throw new AssertionError("no 'Max open files' in /proc/self/limits");
    }

    private static void prlimit(String pid, String softHard) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", pid, "--nofile=" + softHard).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("prlimit --nofile=" + softHard).isZero();
    }
}
