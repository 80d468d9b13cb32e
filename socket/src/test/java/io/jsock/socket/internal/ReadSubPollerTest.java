package io.jsock.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.SocketType;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The read sub-pollers (virtual threads under one platform master poller, descriptors registered
 * once, edge-triggered): many waiters, a close or a timeout while parked, a read event between a
 * failed try and the park, a sub-poller that parked with nothing to do and is woken by the master.
 */
class ReadSubPollerTest {

    /** Waits (bounded) until {@code t} is parked. */
    private static void awaitParked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(t.isAlive()).as(t + " alive").isTrue();
            assertThat(System.nanoTime() - end).as(t + " parked within 20 s").isNegative();
            Thread.sleep(1);
        }
    }

    /** Reads one byte on a new virtual thread; the future ends with it or with the failure. */
    private static CompletableFuture<Integer> readOne(Socket s, List<Thread> threads) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                byte[] b = new byte[1];
                f.complete(s.read(b) == 1 ? b[0] & 0xff : -1);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        }));
        return f;
    }

    @Test
    void aSubPollerThatParkedWithNothingReadyIsWokenByTheMasterWhenItsDescriptorIsReady() throws Exception {
        Thread[] subPollers = Poller.subPollerThreads();
        assertThat(subPollers).isNotEmpty().allSatisfy(t -> assertThat(t.isVirtual()).isTrue());
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        List<Thread> threads = new ArrayList<>();
        try {
            CompletableFuture<Integer> got = readOne(pair[0], threads);
            awaitParked(threads.get(0));
            // Nothing is ready anywhere in this test's sockets: every sub-poller ends parked in the master.
            for (Thread t : subPollers) awaitParked(t);
            pair[1].writeFully(new byte[] {7});
            assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(7);
        } finally {
            for (Socket s : pair) s.close();
        }
    }

    @Test
    void fiveHundredParkedReadersAreEachWokenByTheirOwnByteAndTwentyAcceptorsShareAListener() throws Exception {
        int n = 500;
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
                sockets.add(pair[0]);
                sockets.add(pair[1]);
                reads.add(readOne(pair[0], threads));
            }
            for (Thread t : threads) awaitParked(t);
            for (int i = 0; i < n; i++) sockets.get(2 * i + 1).writeFully(new byte[] {(byte) i});
            for (int i = 0; i < n; i++) assertThat(reads.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(i & 0xff);

            Socket listener = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
            sockets.add(listener);
            listener.bind(SockAddr.loopback4(0));
            listener.listen(64);
            int acceptors = 20;
            List<CompletableFuture<Socket>> accepted = new ArrayList<>();
            List<Thread> acceptorThreads = new ArrayList<>();
            for (int i = 0; i < acceptors; i++) {
                CompletableFuture<Socket> f = new CompletableFuture<>();
                accepted.add(f);
                acceptorThreads.add(Thread.ofVirtual().start(() -> {
                    try {
                        f.complete(listener.accept().socket());
                    } catch (Throwable t) {
                        f.completeExceptionally(t);
                    }
                }));
            }
            for (Thread t : acceptorThreads) awaitParked(t);
            for (int i = 0; i < acceptors; i++) {
                Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
                sockets.add(c);
                c.connect(listener.getsockname());
            }
            for (CompletableFuture<Socket> f : accepted) sockets.add(f.get(20, TimeUnit.SECONDS));
        } finally {
            for (Socket s : sockets) s.close();
        }
    }

    @Test
    void closeWakesAParkedReaderWithSocketClosedAndATimeoutEndsAParkedRead() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        Socket[] quiet = Socket.pair(Family.LOCAL, SocketType.STREAM);
        List<Thread> threads = new ArrayList<>();
        try {
            CompletableFuture<Integer> closed = readOne(pair[0], threads);
            awaitParked(threads.get(0));
            pair[0].close();
            assertThat(closed).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(SocketClosedException.class);

            quiet[0].setTimeout(Duration.ofMillis(100)); // its peer stays open and silent
            CompletableFuture<Integer> timedOut = readOne(quiet[0], threads);
            assertThat(timedOut).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(SocketTimeoutException.class);
        } finally {
            for (Socket s : pair) s.close();
            for (Socket s : quiet) s.close();
        }
    }

    /**
     * Two virtual threads play ping-pong over one pair: each byte arrives while its reader is between
     * a read that found nothing and its park, or parked, or still busy, many times over. A read event
     * lost in that window (it comes once: the registration is edge-triggered) would hang the game.
     */
    @Test
    void pingPongOfTwentyThousandRoundTripsLosesNoReadEvent() throws Exception {
        int rounds = 20_000;
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            Thread pong = Thread.ofVirtual().start(() -> bounce(pair[1], rounds, false, end, failure));
            Thread ping = Thread.ofVirtual().start(() -> bounce(pair[0], rounds, true, end, failure));
            assertThat(ping.join(Duration.ofSeconds(90))).as("ping ends").isTrue();
            assertThat(pong.join(Duration.ofSeconds(90))).as("pong ends").isTrue();
            assertThat(failure.get()).isNull();
        } finally {
            for (Socket s : pair) s.close();
        }
    }

    private static void bounce(Socket s, int rounds, boolean first, long end, AtomicReference<Throwable> failure) {
        try {
            s.setTimeout(Duration.ofSeconds(30)); // a lost wake-up fails the test instead of hanging it
            ByteBuffer b = ByteBuffer.allocate(1);
            if (first) s.writeFully(new byte[] {0});
            for (int i = 0; i < rounds && System.nanoTime() < end; i++) {
                b.clear();
                if (s.read(b) != 1) {
                    if (System.nanoTime() >= end) return; // the peer ran out of time and closed
                    throw new IllegalStateException("end of stream at round " + i);
                }
                if (!first || i < rounds - 1) s.writeFully(new byte[] {b.get(0)});
            }
            if (System.nanoTime() >= end) s.close(); // out of time (a slow machine): the peer sees the end
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }
}
