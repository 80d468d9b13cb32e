package io.jsock.server.uring;

import io.jsock.server.event.EventHandler;
import io.jsock.server.event.loop.LoopTurns;
import io.jsock.server.event.loop.LoopWaker;
import io.jsock.server.serving.Arrivals;
import io.jsock.server.serving.LiveConnection;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Accepted;
import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.Socket;
import io.jsock.socket.event.IoUring;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One event loop of the {@code uring} model: a platform thread with an io_uring of its own. Each turn
 * is one io_uring_enter(2) that hands the kernel every submission the last turn prepared (sends,
 * re-armed receives, shutdowns, cancellations) and waits for at least one completion; then every ready
 * completion is dispatched, in the ring's order, to the {@link RingListener} or to the
 * {@link RingConnection} its user data names. The ring is made with IORING_SETUP_SINGLE_ISSUER and
 * IORING_SETUP_DEFER_TASKRUN (each dropped, with one line, where the kernel refuses it), so the kernel
 * does the completion work only inside that one call, in a batch.
 *
 * <p>User data: the operation's kind in the top byte, then the connection's token (a 24-bit generation
 * and the descriptor number), so that a completion can never be taken for another connection that got
 * the same descriptor number later. (None arrives: a connection closes its socket only once every
 * operation it had in flight has completed; {@link #stale} counts any that would.)
 *
 * <p>Reads go into one provided buffer ring per loop (no read buffer per connection); when it runs
 * dry the receive ends with ENOBUFS and the connection reads with a plain recv(2) into the loop's
 * fallback buffer instead, counted in {@link #dry}. Output is copied into native chunks from the loop's
 * pool ({@link SendQueue}).
 */
final class RingLoop implements Runnable, RingConnection.Loop, LoopTurns.Loop<RingConnection> {
    // Kinds of operation, in the user data's top byte.
    static final int RECV = 1, SEND = 2, SHUTDOWN = 3, CANCEL = 4, ACCEPT = 5, WAKE = 6, HEADER = 7;
    private static final long TOKEN_MASK = (1L << 56) - 1;
    private static final short POLLIN = 1;
    private static final int POLLRDHUP = 0x2000;
    private static final int BUFFER_GROUP = 0;
    /** Free send chunks a loop keeps for reuse; more go back to the GC. */
    private static final int POOL_MAX = 64;

    /**
     * The ring's sizes, from system properties: {@code jsock.uring.entries} (submission ring, default
     * 256), {@code jsock.uring.cq.entries} (completion ring, default four times that), {@code jsock.uring.buffers} (provided buffers, a
     * power of two, default 256), {@code jsock.uring.buffer.size} (bytes each, default 4096).
     */
    record Settings(int entries, int cqEntries, int buffers, int bufferSize) {
        static Settings fromProperties() {
            int entries = Integer.getInteger("jsock.uring.entries", 256);
            return new Settings(entries, Integer.getInteger("jsock.uring.cq.entries", 4 * entries),
                    Integer.getInteger("jsock.uring.buffers", 256), Integer.getInteger("jsock.uring.buffer.size", 4096));
        }
    }

    /** The flags asked for, best first: each later set drops what an older kernel refuses (EINVAL). */
    private static final int[][] SETUPS = {
            {IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN | IoUring.SETUP_SUBMIT_ALL, 0},
            {IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_SUBMIT_ALL | IoUring.SETUP_COOP_TASKRUN, IoUring.SETUP_DEFER_TASKRUN},
            {IoUring.SETUP_SUBMIT_ALL, IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN},
            {0, IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN | IoUring.SETUP_SUBMIT_ALL},
    };

    // Set at construction; never change.
    final int index;
    private final Serving serving;
    private final UringLoops loops;
    private final Settings settings;
    private final RingListener listener;
    private final LoopWaker waker;
    /** Its turns; the design stops, wakes and asks it through them. */
    final LoopTurns<RingConnection> turns;
    /** Completed when the ring is made (or with why it could not be). */
    final CompletableFuture<Void> started = new CompletableFuture<>();

    // Written by other threads, read by the loop.
    private volatile boolean ran; // the thread began run(): it closes what the constructor opened

    // The loop's thread only (made there: SINGLE_ISSUER).
    private IoUring ring;
    private IoUring.BufferRing buffers;
    private ByteBuffer fallback;            // a plain recv's buffer when the buffer ring is dry
    private final ArrayDeque<SendQueue.Chunk> pool = new ArrayDeque<>();
    private int generation;
    private boolean wakerArmed;
    /** Counters, logged when the loop ends: receives that found the buffer ring dry, turns that found the completion ring overflowed, completions for a connection already gone. */
    long dry, overflows, stale;

    RingLoop(int index, Serving serving, UringLoops loops, EventHandler.Factory factory, Socket listener, Settings settings)
            throws IOException {
        this.index = index;
        this.serving = serving;
        this.loops = loops;
        this.settings = settings;
        LoopWaker w;
        try {
            w = LoopWaker.open();
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        this.waker = w;
        this.listener = new RingListener(listener, serving, this);
        this.turns = new LoopTurns<>(serving, factory, w, this.listener, new Arrivals.Watch() {
            @Override
            public void watch(int fd, boolean first) throws IOException {
                ring.poll(fd, POLLIN | POLLRDHUP, (long) HEADER << 56 | fd); // once: armed again after each round
            }

            @Override
            public void unwatch(int fd) {
                // its one poll has completed: nothing in flight for it
            }
        }, this);
    }

    /** Closes what the constructor opened, for a loop whose thread never ran. */
    void discardIfNotStarted() {
        if (ran) return;
        listener.closeNow();
        waker.close();
    }

    @Override
    public void run() {
        ran = true;
        try {
            ring = openRing();
            buffers = ring.registerBufferRing(BUFFER_GROUP, settings.buffers(), settings.bufferSize());
            fallback = ByteBuffer.allocateDirect(64 * 1024);
            armWaker();
            listener.arm();
        } catch (Throwable t) {
            if (ring != null) ring.close();
            listener.closeNow();
            waker.close();
            started.completeExceptionally(t);
            return;
        }
        started.complete(null);
        String how = turns.run("jsock-uring-" + index);
        listener.closeNow();
        ring.close(); // the kernel cancels what is in flight and lets go of the sockets
        turns.end(how); // those awaiting a PROXY header too: their polls ended with the ring
        if (dry + overflows + stale > 0) {
            serving.log(Level.INFO, "jsock-uring-" + index + ": the buffer ring ran dry " + dry
                    + " time(s) (a plain recv read instead); the completion ring overflowed " + overflows
                    + " time(s); " + stale + " completion(s) for a connection already gone");
        }
    }

    /** io_uring_setup with the best flags this kernel takes; one line for each flag it refused. */
    private IoUring openRing() throws IOException {
        ErrnoException refused = null;
        for (int[] setup : SETUPS) {
            try {
                IoUring r = IoUring.open(settings.entries(), settings.cqEntries(), setup[0]);
                if (setup[1] != 0) {
                    serving.log(Level.WARNING, "jsock-uring-" + index + ": this kernel refused " + names(setup[1])
                            + " (" + refused.errno() + "): running without");
                }
                return r;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EINVAL) throw refusal(e);
                refused = e;
            }
        }
        throw refusal(refused);
    }

    private static String names(int flags) {
        StringBuilder b = new StringBuilder();
        if ((flags & IoUring.SETUP_SINGLE_ISSUER) != 0) b.append("IORING_SETUP_SINGLE_ISSUER ");
        if ((flags & IoUring.SETUP_DEFER_TASKRUN) != 0) b.append("IORING_SETUP_DEFER_TASKRUN ");
        if ((flags & IoUring.SETUP_SUBMIT_ALL) != 0) b.append("IORING_SETUP_SUBMIT_ALL ");
        return b.toString().strip();
    }

    /** The kernel refused io_uring: the one line the user sees, saying why it may be and what to use instead. */
    static ErrnoException refusal(ErrnoException e) {
        String why = switch (e.errno() == null ? Errno.EINVAL : e.errno()) {
            case EPERM, EACCES -> "io_uring is not allowed here (sysctl kernel.io_uring_disabled, or a seccomp filter)";
            case ENOSYS -> "this kernel has no io_uring";
            default -> "the kernel refused io_uring";
        };
        return new ErrnoException(e.syscall(), e.errnoNumber(), null, why + "; --model epoll serves the same handlers");
    }

    private void armWaker() throws IOException {
        ring.pollMultishot(waker.fd(), POLLIN, (long) WAKE << 56);
        wakerArmed = true;
    }

    /** One io_uring_enter: submits what the last turn prepared, waits for a completion, then dispatches every one ready. */
    @Override
    public void turn(long timeoutNanos) throws IOException {
        ring.submitAndWait(1, timeoutNanos);
        int n = ring.ready();
        for (int i = 0; i < n; i++) complete(ring.userData(i), ring.result(i), ring.flags(i));
        ring.advance(n);
        buffers.publish();
        if (ring.overflowPending()) overflows++; // the next io_uring_enter moves them into the ring
    }

    private void complete(long userData, int res, int flags) throws IOException {
        int kind = (int) (userData >>> 56);
        switch (kind) {
            case WAKE -> {
                waker.drain(); // the stop, or a slot freed on another loop: the top of the loop looks
                if (!IoUring.more(flags)) {
                    wakerArmed = false;
                    armWaker();
                }
            }
            case ACCEPT -> listener.completed(res, flags);
            case CANCEL -> {
                // its targets complete on their own
            }
            case HEADER -> turns.headerReady((int) userData); // its poll is over: armed again while the header is incomplete
            default -> {
                RingConnection c = turns.connection((int) userData, userData & TOKEN_MASK);
                if (c == null) {
                    stale++;
                    if (IoUring.hasBuffer(flags)) buffers.recycle(IoUring.bufferId(flags));
                    return;
                }
                c.completed(kind, res, flags);
            }
        }
    }

    /** An accepted connection, holding a slot: admitted, or its PROXY header awaited first. */
    void accepted(Accepted a) {
        turns.accepted(a);
    }

    // ---- LoopTurns.Loop

    @Override
    public RingConnection connection(LiveConnection conn, int fd) {
        generation = (generation + 1) & 0xff_ffff;
        return new RingConnection(this, serving, conn, fd, (long) generation << 32 | fd);
    }

    @Override
    public void slotFreed() {
        loops.slotFreed(this);
    }

    // ---- RingConnection.Loop

    @Override
    public IoUring ring() {
        return ring;
    }

    @Override
    public IoUring.BufferRing buffers() {
        return buffers;
    }

    @Override
    public ByteBuffer fallback() {
        return fallback;
    }

    @Override
    public void ranDry() {
        dry++;
    }

    @Override
    public SendQueue.Chunk chunk() {
        SendQueue.Chunk c = pool.pollFirst();
        if (c != null) return c;
        MemorySegment s = Arena.ofAuto().allocate(SendQueue.CHUNK, 64);
        return new SendQueue.Chunk(s);
    }

    @Override
    public void recycle(SendQueue.Chunk c) {
        if (pool.size() < POOL_MAX) pool.addFirst(c.reset());
    }

    @Override
    public void forget(RingConnection c) {
        turns.forget(c);
    }
}
