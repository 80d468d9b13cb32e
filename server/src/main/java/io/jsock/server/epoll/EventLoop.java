package io.jsock.server.epoll;

import io.jsock.server.serving.LiveConnection;

import io.jsock.server.event.EventConnection;
import io.jsock.server.event.EventHandler;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Accepted;
import io.jsock.socket.event.Epoll;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.event.EventFd;
import io.jsock.socket.event.EventIo;
import io.jsock.socket.Family;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One event loop of the {@code epoll} model: a platform thread that waits in epoll_wait on its own
 * epoll instance and serves what is ready, level-triggered, over non-blocking sockets it owns. It
 * accepts from its own descriptor of the listening socket, calls its connections' {@link EventHandler}s,
 * and sends their output; an eventfd wakes it for the shutdown and when a connection slot frees.
 *
 * <p>Level-triggered, because a loop that stops reading a busy connection after {@link #MAX_READS}
 * reads (so it cannot starve the others) simply hears of it again on the next epoll_wait, with no
 * ready list of its own; and a short read ends the reading as it would edge-triggered, so the
 * common case costs the same system calls: epoll_wait, recv, send.
 *
 * <p>The hot path allocates nothing: one direct buffer per loop for every read, a reused event array,
 * connections found by descriptor number in an array, and recv/send on the descriptor number
 * ({@link EventIo}): this thread is the only one that uses or closes these sockets.
 */
final class EventLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.jsock.server");

    /** Reads of one connection per wake-up, at most (64 KiB each): then the others get their turn. */
    static final int MAX_READS = 16;
    private static final int BUFFER = 64 * 1024;
    private static final int EVENTS = 512;
    private static final long WAKER = -2; // epoll data of the waker (the listener's: LoopListener.DATA)
    private static final int READ_EVENTS = Epoll.IN | Epoll.RDHUP;

    // Set at construction; never change.
    final int index;
    private final Serving serving;
    private final EventLoops loops;
    private final EventHandler.Factory factory;
    private final Epoll epoll;
    private final EventFd waker;
    private final LoopListener listener;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    private final MemorySegment segment = MemorySegment.ofBuffer(buffer);

    // Written by other threads, read by the loop.
    private volatile long stopDeadline; // System.nanoTime() of the forced end; meaningful once stopping
    private volatile boolean stopping;

    // The loop's thread only.
    private LoopConnection[] byFd = new LoopConnection[256];
    private int count;
    private int generation;

    EventLoop(int index, Serving serving, EventLoops loops, EventHandler.Factory factory, Socket listener, int listenEvents)
            throws IOException {
        this.index = index;
        this.serving = serving;
        this.loops = loops;
        this.factory = factory;
        Epoll e = Epoll.open(EVENTS);
        EventFd w = null;
        boolean success = false;
        try {
            w = EventFd.open();
            e.add(w.fd(), Epoll.IN, WAKER);
            e.add(listener.fd(), listenEvents, LoopListener.DATA);
            success = true;
        } finally {
            if (!success) {
                if (w != null) w.close();
                e.close();
            }
        }
        this.epoll = e;
        this.waker = w;
        this.listener = new LoopListener(listener, listenEvents, e, serving, this);
    }

    /** Closes what the constructor opened, for a loop whose thread never started. */
    void discard() {
        listener.close();
        waker.close();
        epoll.close();
    }

    /** From any thread: stop accepting now, and end the connections still open at {@code deadline}. */
    void requestStop(long deadline) {
        stopDeadline = deadline;
        stopping = true;
        wake();
    }

    /** Whether this loop stopped accepting at the connection cap (read from other loops). */
    boolean waitingForSlot() {
        return listener.waitingForSlot;
    }

    /** From any thread: makes epoll_wait return. */
    void wake() {
        try {
            waker.signal();
        } catch (IOException e) {
            // EBADF: the loop has ended and closed it
        }
    }

    @Override
    public void run() {
        String how = "closed at shutdown";
        try {
            loop();
        } catch (Throwable t) {
            how = "event loop failed: " + t;
            LOG.log(Level.ERROR, "jsock-epoll-" + index + " failed", t);
        } finally {
            listener.close();
            for (LoopConnection c : byFd) {
                if (c != null) close(c, how, false);
            }
            waker.close();
            epoll.close();
        }
    }

    private void loop() throws IOException {
        while (true) {
            int timeout = -1;
            if (stopping) {
                listener.close();
                if (count == 0) return;
                long left = stopDeadline - System.nanoTime();
                if (left <= 0) return; // the grace period is over: run() closes the rest
                timeout = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
            } else {
                timeout = listener.waitMillis();
            }
            int n = epoll.await(timeout);
            // The listener and the waker first: a client whose connection is queued is accepted before the
            // loop answers clients that came after it (so no answer can overtake the accept).
            for (int i = 0; i < n; i++) {
                long data = epoll.data(i);
                if (data == LoopListener.DATA) {
                    if (!stopping) listener.acceptSome();
                } else if (data == WAKER) {
                    waker.drain(); // the stop, or a slot freed on another loop: the top of the loop looks
                }
            }
            for (int i = 0; i < n; i++) {
                long data = epoll.data(i);
                if (data >= 0) ready(data, epoll.events(i));
            }
        }
    }

    // ---- connections

    /** A connection's events: output first (it makes room), then input, then the interest it needs now. */
    private void ready(long token, int events) {
        int fd = (int) token;
        LoopConnection c = fd < byFd.length ? byFd[fd] : null;
        if (c == null || c.token != token) return; // an event for a connection closed earlier in this batch
        try {
            if ((events & Epoll.OUT) != 0) writable(c);
            // ERR and HUP come whatever the interest: read what is left (and the error), then end it.
            boolean broken = (events & (Epoll.ERR | Epoll.HUP)) != 0;
            boolean wanted = (events & READ_EVENTS) != 0 && (c.interest & Epoll.IN) != 0;
            if ((wanted || broken) && !c.inputEnded && c.failure == null && !c.closed) readable(c, events);
            if (broken && c.failure == null && !c.closed) {
                // HUP: both directions are shut (the peer reset, or its FIN after ours): nothing can be sent.
                close(c, (events & Epoll.ERR) != 0 ? "error (EPOLLERR)" : "hang-up (EPOLLHUP)", false);
                return;
            }
        } catch (IOException e) {
            c.fail(e); // the peer reset, or the handler gave up: this connection only
        } catch (RuntimeException | Error e) {
            handlerFailed(c, e);
            return;
        }
        settle(c);
    }

    private void readable(LoopConnection c, int events) throws IOException {
        for (int i = 0; i < MAX_READS && c.failure == null && !c.closed; i++) {
            int n = EventIo.recv(c.fd, segment, BUFFER);
            if (n == EventIo.UNAVAILABLE) return;
            if (n == EventIo.END) {
                endOfInput(c);
                return;
            }
            buffer.limit(n).position(0);
            c.handler.onReadable(c, buffer);
            if (n < BUFFER) {
                // Drained for now. With RDHUP the FIN is behind what was read: no recv just to see 0.
                if ((events & Epoll.RDHUP) != 0 && !c.inputEnded) endOfInput(c);
                return;
            }
            if (c.closeRequested || c.queuedBytes() > EventConnection.HIGH_WATER) return;
        }
    }

    private void endOfInput(LoopConnection c) throws IOException {
        c.inputEnded = true;
        c.handler.onEndOfInput(c);
    }

    private void writable(LoopConnection c) throws IOException {
        if (!c.flush()) return;
        if (c.wantWritable && !c.closeRequested && !c.shutdownRequested) {
            for (int i = 0; i < MAX_READS && c.wantWritable && c.queuedBytes() == 0 && c.failure == null; i++) {
                c.handler.onWritable(c);
            }
        }
    }

    /** After a callback: end the connection if it asked to or failed; else watch what it needs now. */
    private void settle(LoopConnection c) {
        if (c.closed) return;
        if (c.failure != null) {
            close(c, c.failure.getMessage(), false);
            return;
        }
        if (c.queuedBytes() == 0) {
            if (c.closeRequested) {
                close(c, null, true);
                return;
            }
            if (c.shutdownRequested && !c.outputShut) {
                c.outputShut = true;
                try {
                    c.connection.socket().shutdown(Shutdown.WRITE);
                } catch (IOException e) {
                    close(c, e.getMessage(), false);
                    return;
                }
            }
        }
        int want = 0;
        if (!c.inputEnded && !c.closeRequested && c.queuedBytes() <= EventConnection.HIGH_WATER) want = READ_EVENTS;
        if (c.queuedBytes() > 0 || (c.wantWritable && !c.closeRequested && !c.outputShut)) want |= Epoll.OUT;
        if (want == c.interest && c.registered) return;
        try {
            if (c.registered) {
                epoll.modify(c.fd, want, c.token);
            } else {
                epoll.add(c.fd, want, c.token);
                c.registered = true;
            }
            c.interest = want;
        } catch (IOException e) {
            close(c, e.getMessage(), false);
        }
    }

    private void handlerFailed(LoopConnection c, Throwable e) {
        LOG.log(Level.ERROR, c + ": event handler failed", e);
        close(c, "handler failed: " + e, false);
    }

    /**
     * Ends a connection: tells its handler, closes the socket (which also takes it out of the epoll set,
     * since no other descriptor shares it), unregisters it and frees its slot. {@code graceful}: first
     * reads what input is waiting, so the close sends FIN rather than RST.
     */
    private void close(LoopConnection c, String how, boolean graceful) {
        if (c.closed) return;
        c.closed = true;
        if (graceful && !c.inputEnded) {
            try {
                for (int i = 0; i < MAX_READS && EventIo.recv(c.fd, segment, BUFFER) > 0; i++) {
                    // thrown away: the handler is done with this connection
                }
            } catch (ErrnoException resetAlready) {
                // the close below is all that is left to do
            }
        }
        byFd[c.fd] = null;
        count--;
        try {
            if (c.handler != null) c.handler.onClose(c);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, c + ": onClose failed", e);
        }
        serving.closed(c.connection, how);
        if (serving.config.maxConnections() > 0) {
            listener.slotFreed();
            loops.slotFreed(this);
        }
    }

    /** Makes an accepted connection this loop's: its handler, its first callback, its interest. */
    void open(Accepted a) {
        if (a.socket().family() != Family.LOCAL) {
            try {
                // Each write is a whole answer: send it now, not when the previous one is acknowledged (Nagle).
                a.socket().setOption(SockOpt.TCP_NODELAY, true);
            } catch (IOException e) {
                // the connection is already gone: the first read will say so
            }
        }
        LiveConnection conn = serving.open(a);
        int fd = a.socket().fd();
        if (fd >= byFd.length) {
            LoopConnection[] bigger = new LoopConnection[Math.max(byFd.length * 2, fd + 1)];
            System.arraycopy(byFd, 0, bigger, 0, byFd.length);
            byFd = bigger;
        }
        LoopConnection c = new LoopConnection(this, conn, fd, ++generation & 0x7fff_ffff);
        byFd[fd] = c;
        count++;
        try {
            c.handler = factory.create(conn);
            c.handler.onOpen(c);
        } catch (IOException e) {
            close(c, e.getMessage(), false);
            return;
        } catch (RuntimeException | Error e) {
            handlerFailed(c, e);
            return;
        }
        settle(c);
    }

    // ---- output, for LoopConnection

    /** send(2) of {@code src[pos, pos+len)}: the loop's own buffer as it is, any other through a view of it. */
    int send(int fd, ByteBuffer src, int pos, int len) throws ErrnoException {
        if (src == buffer) return EventIo.send(fd, segment, pos, len);
        return EventIo.send(fd, MemorySegment.ofBuffer(src.duplicate().clear()), pos, len);
    }

    int send(int fd, byte[] queue, int off, int len) throws ErrnoException {
        return EventIo.send(fd, MemorySegment.ofArray(queue), off, len);
    }
}
