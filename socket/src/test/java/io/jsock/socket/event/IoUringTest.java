package io.jsock.socket.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The io_uring binding against the real kernel: submissions, completions, overflow, multishot accept and recv, buffer rings, cancellation. */
class IoUringTest {
    private static final int FLAGS = IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN | IoUring.SETUP_SUBMIT_ALL;
    private static final long WAIT = TimeUnit.SECONDS.toNanos(10); // a hang guard: each wait ends at the first completion

    /** One completion, copied out of the ring. */
    record Cqe(long userData, int res, int flags) {
        boolean more() {
            return IoUring.more(flags);
        }
    }

    /** Waits for at least one completion (at most WAIT) and takes every ready one. */
    private static List<Cqe> reap(IoUring ring) throws IOException {
        ring.submitAndWait(1, WAIT);
        List<Cqe> out = new ArrayList<>();
        int n = ring.ready();
        for (int i = 0; i < n; i++) out.add(new Cqe(ring.userData(i), ring.result(i), ring.flags(i)));
        ring.advance(n);
        return out;
    }

    /** Completions until one carries {@code userData} without F_MORE (the operation's last), at most 10 rounds. */
    private static List<Cqe> until(IoUring ring, long userData) throws IOException {
        List<Cqe> all = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            all.addAll(reap(ring));
            if (all.stream().anyMatch(c -> c.userData == userData && !c.more())) return all;
        }
        throw new AssertionError("no last completion for " + userData + " in " + all);
    }

    @Test
    void aNopComesBackWithItsUserDataAndTheRingSaysWhatItIs() throws Exception {
        try (IoUring ring = IoUring.open(8, 0, FLAGS)) {
            assertThat(ring.setupFlags() & FLAGS).isEqualTo(FLAGS);
            assertThat(ring.features() & IoUring.FEAT_EXT_ARG).isNotZero();
            assertThat(ring.sqEntries()).isEqualTo(8);
            assertThat(ring.cqEntries()).isEqualTo(16);
            ring.nop(0x1234_5678_9abc_def0L);
            assertThat(ring.pending()).isEqualTo(1);
            assertThat(reap(ring)).containsExactly(new Cqe(0x1234_5678_9abc_def0L, 0, 0));
            assertThat(ring.pending()).isZero();
        }
    }

    @Test
    void aTimedWaitWithNothingInFlightReturnsWithNoCompletion() throws Exception {
        try (IoUring ring = IoUring.open(4, 0, FLAGS)) {
            assertThat(ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(20))).isZero();
            assertThat(ring.ready()).isZero();
        }
    }

    @Test
    void aFullCompletionRingOverflowsIntoTheKernelAndLosesNothing() throws Exception {
        try (IoUring ring = IoUring.open(4, 4, FLAGS)) {
            assertThat(ring.cqEntries()).isEqualTo(4);
            for (int batch = 0; batch < 4; batch++) {
                for (int i = 0; i < 4; i++) ring.nop(batch * 4 + i);
                ring.submit(); // completions posted, none reaped
            }
            assertThat(ring.ready()).isEqualTo(4);
            assertThat(ring.overflowPending()).as("IORING_SQ_CQ_OVERFLOW").isTrue();
            List<Long> seen = new ArrayList<>();
            for (int round = 0; round < 20 && seen.size() < 16; round++) {
                int n = ring.ready();
                for (int i = 0; i < n; i++) seen.add(ring.userData(i));
                ring.advance(n);
                ring.submitAndWait(0, 0); // moves the overflowed completions into the ring
            }
            assertThat(seen).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
            assertThat(ring.overflowPending()).isFalse();
            assertThat(ring.dropped()).isZero();
        }
    }

    @Test
    void multishotAcceptAndRecvIntoTheBufferRingEndAtTheClientsFinAndACancel() throws Exception {
        try (IoUring ring = IoUring.open(8, 0, FLAGS); Socket listener = listener();
                Socket client = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            IoUring.BufferRing buffers = ring.registerBufferRing(7, 4, 16);
            ring.accept(listener.fd(), true, 1);
            ring.submit();
            client.connect(listener.getsockname());
            Cqe accepted = reap(ring).getFirst();
            assertThat(accepted.userData()).isEqualTo(1);
            assertThat(accepted.res()).as("the connected descriptor").isPositive();
            assertThat(accepted.more()).as("the accept stays armed").isTrue();
            try (Socket served = listener.accepted(accepted.res())) {
                assertThat(served.getpeername()).isEqualTo(client.getsockname());
                ring.recvMultishot(served.fd(), buffers.group(), 2);
                client.writeFully("hello".getBytes(StandardCharsets.US_ASCII));
                Cqe got = reap(ring).getFirst();
                assertThat(got.userData()).isEqualTo(2);
                assertThat(got.res()).isEqualTo(5);
                assertThat(IoUring.hasBuffer(got.flags())).isTrue();
                assertThat(got.more()).isTrue();
                int bid = IoUring.bufferId(got.flags());
                ByteBuffer b = buffers.buffer(bid).duplicate().limit(5);
                assertThat(StandardCharsets.US_ASCII.decode(b).toString()).isEqualTo("hello");
                buffers.recycle(bid);
                buffers.publish();
                client.shutdown(io.jsock.socket.Shutdown.WRITE);
                assertThat(until(ring, 2)).anyMatch(c -> c.userData() == 2 && c.res() == 0 && !c.more()); // the FIN ends it
            }
            ring.cancel(1, 3);
            List<Cqe> all = new ArrayList<>(until(ring, 3));
            if (all.stream().noneMatch(c -> c.userData() == 1)) all.addAll(until(ring, 1));
            assertThat(all).contains(new Cqe(1, -Errno.ECANCELED.number(), 0), new Cqe(3, 1, 0));
        }
    }

    @Test
    void aRecvThatFindsTheBufferRingDryEndsWithEnobufs() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (IoUring ring = IoUring.open(8, 0, FLAGS); Socket a = pair[0]; Socket b = pair[1]) {
            IoUring.BufferRing buffers = ring.registerBufferRing(0, 1, 4);
            ring.recvMultishot(a.fd(), buffers.group(), 9);
            b.writeFully(new byte[100]); // 25 buffers' worth; the ring has one
            List<Cqe> all = until(ring, 9);
            assertThat(all.getFirst().res()).isEqualTo(4);
            assertThat(all.getLast()).isEqualTo(new Cqe(9, -Errno.ENOBUFS.number(), 0));
        }
    }

    @Test
    void cancellingADescriptorsOperationsEndsEachWithItsOwnCompletion() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (IoUring ring = IoUring.open(8, 0, FLAGS); Socket a = pair[0]; Socket b = pair[1]) {
            IoUring.BufferRing buffers = ring.registerBufferRing(0, 2, 64);
            ring.recvMultishot(a.fd(), buffers.group(), 5);
            ring.pollMultishot(a.fd(), 1, 6);
            ring.submit();
            ring.cancelFd(a.fd(), 7);
            List<Cqe> all = new ArrayList<>(until(ring, 7));
            for (int i = 0; i < 10 && all.stream().filter(c -> !c.more()).count() < 3; i++) all.addAll(reap(ring));
            assertThat(all).contains(new Cqe(5, -Errno.ECANCELED.number(), 0), new Cqe(6, -Errno.ECANCELED.number(), 0),
                    new Cqe(7, 2, 0));
        }
    }

    @Test
    void linkedSendAndShutdownRunInOrder() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (IoUring ring = IoUring.open(8, 0, FLAGS); Socket a = pair[0]; Socket b = pair[1];
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment hi = arena.allocateFrom("hi!", StandardCharsets.US_ASCII);
            ring.send(a.fd(), hi, 3, 1);
            ring.linkNext();
            ring.shutdown(a.fd(), 1, 2);
            List<Cqe> all = new ArrayList<>(reap(ring));
            if (all.size() < 2) all.addAll(reap(ring));
            assertThat(all).containsExactly(new Cqe(1, 3, 0), new Cqe(2, 0, 0));
            assertThat(new String(b.inputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hi!");
        }
    }

    private static Socket listener() throws IOException {
        Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        l.bind(SockAddr.parse("127.0.0.1:0"));
        l.listen(8);
        return l;
    }
}
