package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.internal.Libc;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A platform thread's recv and send wait in the call itself, on the socket's open file put in blocking
 * mode, as the JDK's blocking sockets do; close still wakes them, a deadline still holds, and a
 * virtual thread on the same socket still parks instead of blocking its carrier.
 */
class WaitInCallTest {

    @Test
    void aPlatformReaderWaitsInRecvItselfGetsItsBytesAndIsWokenByClose() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            assertThat(Loopback.fdFlags(s.fd()) & Loopback.O_NONBLOCK).as("non-blocking until a wait").isNotZero();
            s.setTimeout(null);
            CompletableFuture<Object> first = read(s, ByteBuffer.allocate(4));
            Thread t = awaitInCall(first, "recvWaiting");
            assertThat(Loopback.fdFlags(s.fd()) & Loopback.O_NONBLOCK).as("blocking mode once a platform thread waited").isZero();
            c.writeFully(new byte[] {1, 2, 3});
            assertThat(first.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3);
            ByteBuffer direct = ByteBuffer.allocateDirect(4);
            CompletableFuture<Object> second = read(s, direct);
            awaitInCall(second, "recvWaiting");
            s.close();
            assertThat(second).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(SocketClosedException.class);
            assertThat(t.getName()).isNotEmpty();
        }
    }

    @Test
    void aPlatformWriterWaitsInSendItselfAndIsWokenByClose() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            s.setTimeout(null);
            CompletableFuture<Object> stuck = read(s, ByteBuffer.allocate(1)); // puts the file in blocking mode
            awaitInCall(stuck, "recvWaiting");
            CompletableFuture<Object> writer = new CompletableFuture<>();
            Thread w = Thread.ofPlatform().name("writer").start(() -> {
                try {
                    byte[] chunk = new byte[1 << 16];
                    for (int i = 0; i < 10_000; i++) s.writeFully(chunk); // at most 655 MB: the peer reads none
                    writer.complete("never blocked");
                } catch (Throwable e) {
                    writer.completeExceptionally(e);
                }
            });
            awaitIn(w, "sendWaiting");
            s.close();
            assertThat(writer).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(SocketClosedException.class);
            assertThat(stuck).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(SocketClosedException.class);
        }
    }

    @Test
    void aDeadlineAndAVirtualThreadStillWaitWithoutBlockingOnASocketInBlockingMode() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            s.setTimeout(null);
            CompletableFuture<Object> first = read(s, ByteBuffer.allocate(1));
            awaitInCall(first, "recvWaiting");
            c.writeFully(new byte[] {7});
            assertThat(first.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(Loopback.fdFlags(s.fd()) & Loopback.O_NONBLOCK).isZero();

            s.setTimeout(Duration.ofMillis(30));
            Loopback.assertErrno(() -> s.read(ByteBuffer.allocate(1)), "recv", Errno.ETIMEDOUT);
            s.setTimeout(null);
            assertThat(s.tryRead(ByteBuffer.allocate(1))).as("tryRead never waits").isEqualTo(Socket.UNAVAILABLE);

            CompletableFuture<Object> v = new CompletableFuture<>();
            Thread vt = Thread.ofVirtual().start(() -> {
                try {
                    v.complete(s.read(ByteBuffer.allocate(1)));
                } catch (Throwable e) {
                    v.completeExceptionally(e);
                }
            });
            Loopback.awaitWaiting(vt); // parked (WAITING); a virtual thread stuck in recv(2) would stay RUNNABLE
            c.writeFully(new byte[] {8});
            assertThat(v.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    private static CompletableFuture<Object> read(Socket s, ByteBuffer b) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("reader").start(() -> {
            try {
                f.complete(s.read(b));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        READERS.put(f, t);
        return f;
    }

    private static final java.util.Map<CompletableFuture<Object>, Thread> READERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Thread awaitInCall(CompletableFuture<Object> f, String libcMethod) throws InterruptedException {
        Thread t = READERS.get(f);
        awaitIn(t, libcMethod);
        return t;
    }

    /** Waits (bounded) until {@code t}'s stack shows it in the Libc call {@code method}, the wait in the kernel. */
    private static void awaitIn(Thread t, String method) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().equals(Libc.class.getName()) && e.getMethodName().equals(method)) return;
            }
            assertThat(t.isAlive()).as(t + " alive").isTrue();
            assertThat(System.nanoTime() - end).as(t + " reached " + method + " within 20 s: " + java.util.List.of(t.getStackTrace())).isNegative();
            Thread.sleep(1);
        }
    }
}
