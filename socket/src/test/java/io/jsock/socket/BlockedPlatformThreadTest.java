package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A platform thread blocked in a socket call holds no descriptor of its own, and close always wakes it. */
class BlockedPlatformThreadTest {

    @Test
    void fiftyBlockedReadersAddNoDescriptorAndCloseWakesEveryOne() throws Exception {
        List<Socket[]> pairs = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        AtomicInteger closedSeen = new AtomicInteger();
        try {
            for (int i = 0; i < 50; i++) pairs.add(Socket.pair(Family.LOCAL, SocketType.STREAM));
            startAndWake(pairs.getFirst()[0], pairs.getFirst()[1]); // the socket layer's one pre-closed socket, made once
            long before = descriptors();
            for (Socket[] p : pairs) readers.add(reader(p[0], closedSeen));
            for (Thread t : readers) Loopback.awaitInPoll(t);
            // At most as many: a descriptor of an earlier test may be closed meanwhile (a Cleaner, a reaper), but one per
            // blocked thread would be 50 more.
            assertThat(descriptors()).as("descriptors with 50 platform threads blocked in recv").isLessThanOrEqualTo(before);
            for (Socket[] p : pairs) p[0].close();
            for (Thread t : readers) assertThat(t.join(Duration.ofSeconds(10))).as("woken by close").isTrue();
            assertThat(closedSeen).hasValue(50);
        } finally {
            for (Socket[] p : pairs) {
                p[0].close();
                p[1].close();
            }
        }
    }

    /** Close may come before, during or after the reader enters poll(2): it must wake it every time. */
    @Test
    void closeRacingTheStartOfAWaitWakesTheThreadEveryTime() throws Exception {
        AtomicInteger closedSeen = new AtomicInteger();
        for (int i = 0; i < 300; i++) {
            Socket[] p = Socket.pair(Family.LOCAL, SocketType.STREAM);
            try {
                Thread t = reader(p[0], closedSeen);
                if (i % 3 == 1) Thread.onSpinWait();
                if (i % 3 == 2) Thread.yield();
                p[0].close();
                assertThat(t.join(Duration.ofSeconds(10))).as("round " + i + ": woken by close").isTrue();
            } finally {
                p[0].close();
                p[1].close();
            }
        }
        assertThat(closedSeen).hasValue(300);
    }

    private static void startAndWake(Socket s, Socket peer) throws Exception {
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                s.read(ByteBuffer.allocate(1));
            } catch (Exception ignored) {
                // only warming up
            }
        });
        Loopback.awaitInPoll(t);
        peer.writeFully(new byte[] {1});
        assertThat(t.join(Duration.ofSeconds(10))).isTrue();
    }

    private static Thread reader(Socket s, AtomicInteger closedSeen) {
        return Thread.ofPlatform().name("blocked-reader").start(() -> {
            try {
                s.read(ByteBuffer.allocate(1));
            } catch (SocketClosedException e) {
                closedSeen.incrementAndGet();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static long descriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // less the directory stream's own
        }
    }
}
