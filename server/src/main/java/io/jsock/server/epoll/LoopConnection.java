package io.jsock.server.epoll;

import io.jsock.server.event.EventConnection;
import io.jsock.server.event.EventHandler;
import io.jsock.server.event.loop.EventLoopConnection;
import io.jsock.server.serving.LiveConnection;
import io.jsock.server.serving.Serving;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.Shutdown;
import io.jsock.socket.event.Epoll;
import io.jsock.socket.event.EventIo;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * An {@link EventConnection} of one {@link EventLoop}, and everything about it: which events epoll
 * watches for its socket, the output the kernel has not taken yet, and how and when it ends. Its
 * loop only finds it by its epoll token and calls {@link #ready}; the connection reads, calls its
 * {@link EventHandler}, sends through {@link EventIo} itself, changes its own registration in the
 * loop's epoll set ({@link Loop#watch}), and closes itself. (The shape of Netty's
 * AbstractEpollChannel, whose channel keeps its own epoll flags.)
 *
 * <p>Each dispatch ends with {@link #settle}: one look at what the connection needs now, so one
 * event costs at most one epoll_ctl(2), whatever the handler did during it.
 */
final class LoopConnection extends EventLoopConnection {
    /** Reads of one connection per wake-up, at most (64 KiB each): then the others get their turn. */
    static final int MAX_READS = 16;
    /** The events watched while input is wanted. */
    private static final int READ_EVENTS = Epoll.IN | Epoll.RDHUP;
    /** A queue buffer bigger than this is given back to the GC once it drains, so idle connections stay small. */
    private static final int KEEP_QUEUE = 64 * 1024;

    /** What a connection asks of the loop that owns it; called on the loop's thread only. */
    interface Loop {
        /**
         * epoll_ctl(2) for the connection's socket with its token: EPOLL_CTL_ADD when {@code first},
         * else EPOLL_CTL_MOD.
         */
        void watch(LoopConnection c, int events, boolean first) throws IOException;

        /** The connection has ended: its socket is closed, its line logged, its slot given back. Forget it. */
        void forget(LoopConnection c);
    }

    /** The loop's one buffer for every read, lent to a connection for the length of a callback. */
    record ReadBuffer(ByteBuffer bytes, MemorySegment segment) {
        static final int SIZE = 64 * 1024;

        static ReadBuffer allocate() {
            ByteBuffer b = ByteBuffer.allocateDirect(SIZE);
            return new ReadBuffer(b, MemorySegment.ofBuffer(b));
        }
    }

    // Set at accept; never change.
    private final Loop loop;
    private final ReadBuffer in;

    // The loop's thread only.
    private int interest;               // the events epoll watches for this socket now; 0 until registered
    private boolean registered;
    private byte[] queue;               // output the kernel did not take yet: queue[head, tail)
    private MemorySegment queueSegment; // a view of queue, made once per array
    private int head, tail;

    LoopConnection(Loop loop, ReadBuffer in, Serving serving, LiveConnection connection, int fd, int generation) {
        super(serving, connection, fd, (long) generation << 32 | fd);
        this.loop = loop;
        this.in = in;
    }

    // ---- what the loop calls

    /**
     * epoll said the socket is ready for {@code events}: output first (sending makes room), then input
     * (after an error or hang-up too: what is left, and the error), then the end a hang-up means; then
     * the interest it needs now.
     */
    void ready(int events) {
        dispatch(null, events, 0, 0);
    }

    @Override
    protected void react(int events, int res, int flags) throws IOException {
        if ((events & Epoll.OUT) != 0) writable();
        // ERR and HUP come whatever the interest: read what is left (and the error), then end it.
        boolean broken = (events & (Epoll.ERR | Epoll.HUP)) != 0;
        boolean wanted = (events & READ_EVENTS) != 0 && (interest & Epoll.IN) != 0;
        if ((wanted || broken) && !inputEnded && failure == null && !closed) readable(events);
        if (broken && failure == null && !closed) {
            // HUP: both directions are shut (the peer reset, or its FIN after ours): nothing can be sent.
            end((events & Epoll.ERR) != 0 ? "error (EPOLLERR)" : "hang-up (EPOLLHUP)", false);
        }
    }

    /** Ends the connection now, whatever it has queued (the loop's shutdown or failure). */
    @Override
    public void abort(String how) {
        end(how, false);
    }

    // ---- EventConnection, for the handler

    @Override
    protected void write(ByteBuffer src, int pos, int len) {
        if (head == tail) {
            int n;
            try {
                n = send(src, pos, len);
            } catch (ErrnoException e) {
                fail(e); // EPIPE, ECONNRESET: the peer is gone; the connection ends after this callback
                changed();
                return;
            }
            if (n == len) return;
            if (n > 0) {
                pos += n;
                len -= n;
            }
        }
        enqueue(src, pos, len);
        changed();
    }

    @Override
    public int queuedBytes() {
        return tail - head;
    }

    // ---- input and output

    private void readable(int events) throws IOException {
        ByteBuffer buffer = in.bytes();
        for (int i = 0; i < MAX_READS && failure == null && !closed; i++) {
            int n = EventIo.recv(fd, in.segment(), ReadBuffer.SIZE);
            if (n == EventIo.UNAVAILABLE) return;
            if (n == EventIo.END) {
                endOfInput();
                return;
            }
            connection.received(n);
            buffer.limit(n).position(0);
            handler.onReadable(this, buffer);
            if (n < ReadBuffer.SIZE) {
                // Drained for now. With RDHUP the FIN is behind what was read: no recv just to see 0.
                if ((events & Epoll.RDHUP) != 0 && !inputEnded) endOfInput();
                return;
            }
            if (closeRequested || queuedBytes() > HIGH_WATER) return;
        }
    }

    /** The socket can take more: the queue first, then the handler's onWritable while it keeps the queue empty. */
    private void writable() throws IOException {
        if (!flush()) return;
        if (wantWritable && !closeRequested && !shutdownRequested) {
            for (int i = 0; i < MAX_READS && wantWritable && queuedBytes() == 0 && failure == null; i++) {
                handler.onWritable(this);
            }
        }
    }

    /** send(2) of {@code src[pos, pos+len)}: the loop's own buffer as it is, any other through a view of it. */
    private int send(ByteBuffer src, int pos, int len) throws ErrnoException {
        int n = src == in.bytes() ? EventIo.send(fd, in.segment(), pos, len)
                : EventIo.send(fd, MemorySegment.ofBuffer(src.duplicate().clear()), pos, len);
        if (n > 0) connection.sent(n);
        return n;
    }

    /** Sends queued output; returns true when the queue is empty. A failure is kept in {@link #failure}. */
    private boolean flush() {
        while (head != tail) {
            int n;
            try {
                n = EventIo.send(fd, queueSegment, head, tail - head);
            } catch (ErrnoException e) {
                fail(e);
                return false;
            }
            if (n == EventIo.UNAVAILABLE) return false;
            connection.sent(n);
            head += n;
        }
        head = tail = 0;
        if (queue != null && queue.length > KEEP_QUEUE) {
            queue = null;
            queueSegment = null;
        }
        return true;
    }

    private void enqueue(ByteBuffer src, int pos, int len) {
        int queued = tail - head;
        if (queue == null) {
            setQueue(new byte[Math.max(4096, Integer.highestOneBit(len - 1) << 1)]);
        } else if (queue.length - tail < len) {
            if (queued + len <= queue.length) {
                System.arraycopy(queue, head, queue, 0, queued);
            } else {
                byte[] bigger = new byte[Math.max(queue.length * 2, queued + len)];
                System.arraycopy(queue, head, bigger, 0, queued);
                setQueue(bigger);
            }
            head = 0;
            tail = queued;
        }
        src.get(pos, queue, tail, len);
        tail += len;
    }

    private void setQueue(byte[] q) {
        queue = q;
        queueSegment = MemorySegment.ofArray(q);
    }

    // ---- interest and the end

    /** After a dispatch: end the connection if it asked to or failed; else have epoll watch what it needs now. */
    @Override
    protected void settle() {
        if (closed) return;
        if (failure != null) {
            end(failure.getMessage(), false);
            return;
        }
        if (queuedBytes() == 0) {
            if (closeRequested) {
                end(null, true);
                return;
            }
            if (shutdownRequested && !outputShut) {
                outputShut = true;
                try {
                    connection.socket().shutdown(Shutdown.WRITE);
                } catch (IOException e) {
                    end(e.getMessage(), false);
                    return;
                }
            }
        }
        int want = 0;
        if (!inputEnded && !closeRequested && queuedBytes() <= HIGH_WATER) want = READ_EVENTS;
        if (queuedBytes() > 0 || (wantWritable && !closeRequested && !outputShut)) want |= Epoll.OUT;
        if (want == interest && registered) return;
        try {
            loop.watch(this, want, !registered);
            registered = true;
            interest = want;
        } catch (IOException e) {
            end(e.getMessage(), false);
        }
    }

    /**
     * Ends the connection: closes the socket (which also takes it out of the epoll set, since no other
     * descriptor shares it), after onClose, and logs its line, frees its slot, and has the loop forget
     * it. {@code graceful}: first reads what input is waiting, so the close sends FIN rather than RST.
     */
    @Override
    protected void end(String how, boolean graceful) {
        if (closed) return;
        closed = true;
        if (graceful && !inputEnded) drain(in.segment(), ReadBuffer.SIZE);
        release(how);
    }

    @Override
    protected void forget() {
        loop.forget(this);
    }
}
