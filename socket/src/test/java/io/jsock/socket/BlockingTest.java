package io.jsock.socket;

import io.jsock.socket.event.Epoll;
import io.jsock.socket.event.EventFd;
import io.jsock.socket.internal.Libc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Blocking without pinning: virtual threads park (their carriers stay free), platform threads wait in
 * poll(2), close wakes both; adopt; close-on-exec.
 */
class BlockingTest {

    /** Runs {@code call} on a new thread of {@code builder}; the future ends with its result or exception. */
    private static CompletableFuture<Object> start(Thread.Builder builder, List<Thread> threads, Callable call) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        threads.add(builder.start(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        }));
        return f;
    }

    interface Callable {
        Object call() throws Exception;
    }

    private static void assertClosedUnder(CompletableFuture<Object> f, String syscall) {
        assertThat(f).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(SocketClosedException.class, e -> {
                    assertThat(e.syscall()).isEqualTo(syscall);
                    assertThat(e.errno()).isEqualTo(Errno.EBADF);
                });
    }

    @RepeatedTest(2)
    void hundredsOfVirtualThreadsBlockedInAcceptAndReadLeaveTheCarriersFreeAndCloseWakesThemAll() throws Exception {
        int n = 200;
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Object>> accepts = new ArrayList<>(), reads = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket l = Loopback.listener(1);
                sockets.add(l);
                accepts.add(start(Thread.ofVirtual(), threads, l::accept));
                Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
                sockets.add(pair[0]);
                sockets.add(pair[1]);
                reads.add(start(Thread.ofVirtual(), threads, () -> pair[0].read(ByteBuffer.allocate(16))));
            }
            for (Thread t : threads) Loopback.awaitWaiting(t); // all 400 parked in accept or read
            CountDownLatch ran = new CountDownLatch(1);
            Thread.ofVirtual().start(ran::countDown);
            assertThat(ran.await(20, TimeUnit.SECONDS)).as("a new virtual thread runs while 400 are blocked").isTrue();
            assertThat(accepts).noneMatch(CompletableFuture::isDone);
            assertThat(reads).noneMatch(CompletableFuture::isDone);
        } finally {
            sockets.forEach(Socket::close);
        }
        accepts.forEach(f -> assertClosedUnder(f, "accept"));
        reads.forEach(f -> assertClosedUnder(f, "recv"));
        for (Thread t : threads) assertThat(t.join(Duration.ofSeconds(20))).isTrue();
    }

    @Test
    void aPlatformThreadBlockedInAcceptReadOrConnectIsWokenByClose() throws Exception {
        List<Thread> threads = new ArrayList<>();
        try (Socket l = Loopback.listener(1); Socket full = Loopback.listener(0); Socket queued = Loopback.connectTo(full)) {
            Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
            Socket connecting = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
            var accept = start(Thread.ofPlatform(), threads, l::accept);
            var read = start(Thread.ofPlatform(), threads, () -> pair[0].read(ByteBuffer.allocate(1)));
            // listen(0) holds one completed connection (queued); this SYN is dropped, so connect waits.
            var connect = start(Thread.ofPlatform(), threads, () -> {
                connecting.connect(full.getsockname());
                return null;
            });
            for (Thread t : threads) Loopback.awaitInPoll(t);
            assertThat(List.of(accept, read, connect)).noneMatch(CompletableFuture::isDone);
            l.close();
            pair[0].close();
            connecting.close();
            assertClosedUnder(accept, "accept");
            assertClosedUnder(read, "recv");
            assertClosedUnder(connect, "connect");
            pair[1].close();
        }
        for (Thread t : threads) assertThat(t.join(Duration.ofSeconds(20))).isTrue();
    }

    @Test
    void aVirtualThreadBlockedInConnectIsWokenByClose() throws Exception {
        List<Thread> threads = new ArrayList<>();
        try (Socket full = Loopback.listener(0); Socket queued = Loopback.connectTo(full);
                Socket connecting = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            var connect = start(Thread.ofVirtual(), threads, () -> {
                connecting.connect(full.getsockname());
                return null;
            });
            Loopback.awaitWaiting(threads.get(0));
            assertThat(connect).isNotDone();
            connecting.close();
            assertClosedUnder(connect, "connect");
        }
    }

    @RepeatedTest(3)
    void aReaderAndAWriterBlockOnOneSocketAtOnceAndBothComeThrough() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket a = p[0]; Socket b = p[1]) {
            List<Thread> threads = new ArrayList<>();
            byte[] big = new byte[8 << 20]; // more than the buffers hold: the writer blocks
            var written = start(Thread.ofVirtual(), threads, () -> {
                a.writeFully(big);
                return null;
            });
            var read = start(Thread.ofVirtual(), threads, () -> a.read(ByteBuffer.allocate(1)));
            for (Thread t : threads) Loopback.awaitWaiting(t);
            assertThat(written).isNotDone();
            assertThat(read).isNotDone();
            b.writeFully(new byte[] {5}); // wakes the reader on a, though a's writer still waits
            assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(1);
            b.readFully(new byte[big.length]); // drains: the writer finishes
            written.get(20, TimeUnit.SECONDS);
        }
    }

    @RepeatedTest(3)
    void severalVirtualThreadsAcceptingOnOneListenerAllGetConnections() throws Exception {
        int n = 6;
        try (Socket l = Loopback.listener(16)) {
            List<Thread> threads = new ArrayList<>();
            List<CompletableFuture<Object>> accepted = new ArrayList<>();
            for (int i = 0; i < n; i++) accepted.add(start(Thread.ofVirtual(), threads, () -> l.accept().socket()));
            for (Thread t : threads) Loopback.awaitWaiting(t);
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) clients.add(Loopback.connectTo(l));
                for (var f : accepted) ((Socket) f.get(20, TimeUnit.SECONDS)).close();
            } finally {
                clients.forEach(Socket::close);
            }
        }
    }

    /** Many connections echoing at once through the pollers: a lost wake-up would leave a thread parked for good. */
    @RepeatedTest(2)
    void aHundredVirtualThreadsEchoingAtOnceLoseNoWakeUp() throws Exception {
        int clients = 100, rounds = 100;
        try (Socket l = Loopback.listener(128)) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket s = l.accept().socket();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                byte[] b = new byte[64];
                                int n;
                                while ((n = s.read(b)) > 0) s.writeFully(b, 0, n);
                            } catch (IOException ignored) {
                                // the client went away
                            }
                        });
                    }
                } catch (IOException closed) {
                    // the listener was closed: the test is over
                }
            });
            List<Thread> threads = new ArrayList<>();
            List<CompletableFuture<Object>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                done.add(start(Thread.ofVirtual(), threads, () -> {
                    try (Socket c = Loopback.connectTo(l)) {
                        byte[] out = new byte[64], in = new byte[64];
                        for (int r = 0; r < rounds; r++) {
                            java.util.Arrays.fill(out, (byte) (id + r));
                            c.writeFully(out);
                            c.readFully(in);
                            if (!java.util.Arrays.equals(in, out)) throw new AssertionError("echo mismatch");
                        }
                    }
                    return id;
                }));
            }
            for (var f : done) f.get(60, TimeUnit.SECONDS);
            l.close();
            assertThat(acceptor.join(Duration.ofSeconds(20))).isTrue();
        }
    }

    @RepeatedTest(2)
    void aWriterBlockedOnAFullBufferWakesWithAnErrorWhenThePeerResets() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]) {
            List<Thread> threads = new ArrayList<>();
            var written = start(Thread.ofVirtual(), threads, () -> {
                c.writeFully(new byte[16 << 20]); // far more than the buffers: blocks until the reset
                return null;
            });
            Loopback.awaitWaiting(threads.get(0));
            Loopback.reset(p[1]); // RST, with unread data queued
            assertThat(written).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(ErrnoException.class,
                            e -> assertThat(e.errno()).isIn(Errno.ECONNRESET, Errno.EPIPE));
        }
    }

    @Test
    void interruptingAVirtualThreadBlockedInReadEndsTheRead() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            List<Thread> threads = new ArrayList<>();
            var read = start(Thread.ofVirtual(), threads, () -> a.read(ByteBuffer.allocate(1)));
            Loopback.awaitWaiting(threads.get(0));
            threads.get(0).interrupt();
            assertThat(read).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(InterruptedIOException.class).withMessage("recv interrupted");
            assertThat(a.isOpen()).isTrue();
        }
    }

    @Test
    void aReadTimeoutIsEtimedoutOnPlatformAndVirtualThreads() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            a.setTimeout(Duration.ofMillis(30));
            Loopback.assertErrno(() -> a.read(ByteBuffer.allocate(1)), "recv", Errno.ETIMEDOUT);
            List<Thread> threads = new ArrayList<>();
            var v = start(Thread.ofVirtual(), threads, () -> a.read(ByteBuffer.allocate(1)));
            assertThat(v).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(ErrnoSocketTimeoutException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ETIMEDOUT));
            a.setTimeout(null);
            b.writeFully(new byte[] {1});
            assertThat(a.read(ByteBuffer.allocate(1))).isEqualTo(1);
        }
    }

    @Test
    void adoptTakesOverADuplicatedDescriptorAndMakesItNonBlockingAndCloseOnExec() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            int raw = Libc.fcntl(s.fd(), 0 /* F_DUPFD */, 3); // as a parent would hand it down: no FD_CLOEXEC
            assertThat(raw).isGreaterThan(2);
            Socket.setNonBlocking(raw, false);
            assertThat(Loopback.fdFlags(raw) & Loopback.O_CLOEXEC).isZero();
            assertThat(Loopback.fdFlags(raw) & Loopback.O_NONBLOCK).isZero();
            try (Socket adopted = Socket.adopt(raw)) {
                assertThat(adopted.fd()).isEqualTo(raw);
                assertThat(adopted.family()).isEqualTo(Family.INET);
                assertThat(adopted.type()).isEqualTo(SocketType.STREAM);
                assertThat(adopted.protocol()).isEqualTo(Protocol.TCP);
                assertThat(Loopback.fdFlags(raw) & Loopback.O_CLOEXEC).isNotZero();
                assertThat(Loopback.fdFlags(raw) & Loopback.O_NONBLOCK).isNotZero();
                assertThat(adopted.getpeername()).isEqualTo(c.getsockname());
                adopted.writeFully("via adopted".getBytes());
                byte[] got = new byte[11];
                c.readFully(got);
                assertThat(new String(got)).isEqualTo("via adopted");
            }
            s.writeFully(new byte[] {1}); // the original descriptor still works
            assertThat(c.inputStream().read()).isEqualTo(1);
        }
    }

    @Test
    void setBlockingForChildClearsAndRestoresONonblockOnTheOpenFile() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]; Socket twin = s.dup()) {
            s.setBlockingForChild(true);
            assertThat(Loopback.fdFlags(s.fd()) & Loopback.O_NONBLOCK).isZero();
            assertThat(Loopback.fdFlags(twin.fd()) & Loopback.O_NONBLOCK).as("a dup shares the open file's flags").isZero();
            s.setBlockingForChild(false);
            assertThat(Loopback.fdFlags(s.fd()) & Loopback.O_NONBLOCK).isNotZero();
            c.writeFully(new byte[] {3});
            assertThat(s.inputStream().read()).isEqualTo(3);
        }
    }

    @Test
    void adoptingSomethingThatIsNotASocketIsRefused() throws Exception {
        try (EventFd e = EventFd.open()) {
            Loopback.assertErrno(() -> Socket.adopt(e.fd()), "getsockopt", Errno.ENOTSOCK)
                    .hasMessageContaining("not a socket that can be adopted");
        }
    }

    @Test
    void everyDescriptorThePackageMakesIsCloseOnExec() throws Exception {
        List<AutoCloseable> all = new ArrayList<>();
        try {
            Socket l = Loopback.listener(2);
            all.add(l);
            Socket c = Loopback.connectTo(l);
            all.add(c);
            Socket accepted = l.accept().socket();
            all.add(accepted);
            all.add(accepted.dup());
            all.add(Socket.open(Family.INET6, SocketType.DGRAM, Protocol.DEFAULT));
            all.add(Socket.open(Family.LOCAL, SocketType.SEQPACKET, Protocol.DEFAULT));
            all.add(Socket.open(Family.ROUTE, SocketType.DGRAM, Protocol.DEFAULT));
            for (Socket s : Socket.pair(Family.LOCAL, SocketType.STREAM)) all.add(s);
            for (AutoCloseable a : new ArrayList<>(all)) {
                Socket s = (Socket) a;
                int flags = Loopback.fdFlags(s.fd());
                assertThat(flags & Loopback.O_CLOEXEC).as("close-on-exec: " + s).isNotZero();
                assertThat(flags & Loopback.O_NONBLOCK).as("non-blocking underneath: " + s).isNotZero();
            }
            Epoll ep = Epoll.open(4);
            all.add(ep);
            EventFd ev = EventFd.open();
            all.add(ev);
            assertThat(Loopback.fdFlags(ep.fd()) & Loopback.O_CLOEXEC).isNotZero();
            assertThat(Loopback.fdFlags(ev.fd()) & Loopback.O_CLOEXEC).isNotZero();
        } finally {
            for (AutoCloseable a : all) a.close();
        }
    }

    @Test
    void closingASocketTwiceOrFromManyThreadsClosesItsDescriptorOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
            int fd = s.fd();
            Socket other = null;
            List<Thread> closers = new ArrayList<>();
            for (int i = 0; i < 4; i++) closers.add(Thread.ofVirtual().start(s::close));
            for (Thread t : closers) t.join();
            try {
                other = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT); // likely reuses fd's number
                s.close();
                assertThat(other.isOpen()).isTrue();
                assertThat(other.getOption(SockOpt.SO_TYPE)).as("fd %d still belongs to the new socket", fd).isEqualTo(SocketType.STREAM);
            } finally {
                if (other != null) other.close();
            }
        }
    }

    @RepeatedTest(3)
    void callsOnAClosedSocketNeverCloseTheDescriptorNumberAgain() throws Exception {
        Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        int fd = s.fd();
        s.close();
        try (Socket reuser = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            assertThat(reuser.fd()).as("the kernel gives out the lowest free number").isEqualTo(fd);
            for (int i = 0; i < 3; i++) {
                Loopback.assertErrno(() -> s.read(ByteBuffer.allocate(1)), "recv", Errno.EBADF);
                Loopback.assertErrno(s::getsockname, "getsockname", Errno.EBADF);
            }
            assertThat(reuser.getOption(SockOpt.SO_TYPE)).as("fd %d still open and still the new socket's", fd)
                    .isEqualTo(SocketType.STREAM);
            assertThat(Loopback.fdFlags(fd) & Loopback.O_CLOEXEC).isNotZero();
        }
    }

    @Test
    void readingAndWritingWithATimeoutOnAPlatformThreadWorksAcrossManyCalls() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            s.setTimeout(Duration.ofSeconds(30));
            for (int i = 0; i < 200; i++) {
                c.writeFully(new byte[] {(byte) i});
                assertThat(s.inputStream().read()).isEqualTo(i & 0xff);
            }
        }
    }
}
