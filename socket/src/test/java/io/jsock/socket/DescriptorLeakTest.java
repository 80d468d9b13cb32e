package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No descriptor leaks: the sockets in /proc/self/fd counted before and after many open/connect/accept/close cycles, failures included. */
class DescriptorLeakTest {

    @Test
    void aThousandOpenConnectAcceptCloseCyclesLeaveNoDescriptorBehind() throws Exception {
        cycle(); // first use starts the pollers and this thread's wakeup eventfd
        int before = Loopback.openSockets();
        for (int i = 0; i < 1000; i++) cycle();
        assertThat(Loopback.openSockets()).isEqualTo(before);
    }

    private static void cycle() throws IOException {
        try (Socket l = Loopback.listener(4); Socket c = Loopback.connectTo(l); Socket s = l.accept().socket()) {
            c.writeFully(new byte[] {1});
            assertThat(s.read(ByteBuffer.allocate(1))).isEqualTo(1);
            s.dup().close();
        }
    }

    @Test
    void failingCallsAndClosesThatWakeParkedThreadsLeaveNoDescriptorBehind() throws Exception {
        failingCycle();
        int before = Loopback.openSockets();
        for (int i = 0; i < 200; i++) failingCycle();
        assertThat(Loopback.openSockets()).isEqualTo(before);
    }

    private static void failingCycle() throws Exception {
        try (Socket l = Loopback.listener(1); Socket other = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            try {
                other.bind(l.getsockname());
            } catch (ErrnoBindException expected) {
                assertThat(expected.errno()).isEqualTo(Errno.EADDRINUSE);
            }
            try {
                Socket.open(Family.KEY, SocketType.RAW, Protocol.of(2)).close();
            } catch (ErrnoException expected) {
                assertThat(expected.errno()).isEqualTo(Errno.EAFNOSUPPORT);
            }
            // A virtual thread parked in accept (armed in the poller), woken by close.
            CompletableFuture<Throwable> woke = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    l.accept().socket().close();
                    woke.complete(null);
                } catch (Throwable e) {
                    woke.complete(e);
                }
            });
            Loopback.awaitWaiting(t);
            l.close();
            assertThat(woke.get(20, TimeUnit.SECONDS)).isInstanceOf(SocketClosedException.class);
            t.join();
        }
    }

    /**
     * A platform thread waits in poll(2) on its socket and an eventfd that close writes to. Threads
     * that blocked and ended must not leave their eventfds open until some later garbage collection:
     * a thread-per-connection server would run out of descriptors first.
     */
    @Test
    void platformThreadsThatBlockedAndEndedLeaveNoEventfdBehind() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            blockOnceInAPlatformThread(a, b);
            int before = Loopback.openEventfds();
            for (int i = 0; i < 300; i++) blockOnceInAPlatformThread(a, b);
            assertThat(Loopback.openEventfds()).isLessThanOrEqualTo(before + 2);
        }
    }

    private static void blockOnceInAPlatformThread(Socket a, Socket b) throws Exception {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                read.complete(a.read(ByteBuffer.allocate(1)));
            } catch (Throwable e) {
                read.completeExceptionally(e);
            }
        });
        Loopback.awaitInPoll(t);
        b.writeFully(new byte[] {1});
        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        t.join();
    }
}
