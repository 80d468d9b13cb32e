package io.jsock.server.epoll;

import io.jsock.server.serving.LiveConnection;

import io.jsock.server.Connection;
import io.jsock.server.event.EventHandler;

import io.jsock.server.event.EventConnection;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.event.EventIo;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An {@link EventConnection} of one {@link EventLoop}. */
final class LoopConnection implements EventConnection {
    /** A queue buffer bigger than this is given back to the GC once it drains, so idle connections stay small. */
    private static final int KEEP_QUEUE = 64 * 1024;

    // Set at accept; never change.
    final EventLoop loop;
    final LiveConnection connection;
    final int fd;
    final long token; // the epoll data word: generation << 32 | fd

    // The loop's thread only.
    EventHandler handler;
    int interest;             // the events epoll watches for this socket now; 0 until registered
    boolean registered;
    boolean inputEnded;       // the peer's FIN was read
    boolean closeRequested;   // close() was called: close once the queue is empty
    boolean shutdownRequested;
    boolean outputShut;
    boolean wantWritable;
    boolean closed;
    IOException failure;      // a send or a callback failed: the connection ends after the current callback
    private byte[] queue;     // output the kernel did not take yet: queue[head, tail)
    private int head, tail;

    LoopConnection(EventLoop loop, LiveConnection connection, int fd, int generation) {
        this.loop = loop;
        this.connection = connection;
        this.fd = fd;
        this.token = (long) generation << 32 | fd;
    }

    /** The accepted connection: its id, peer and local address (its socket belongs to the loop). */
    @Override
    public Connection connection() {
        return connection;
    }

    /**
     * Sends all of {@code src} (from its position to its limit, which it advances): what the kernel
     * takes now goes at once, the rest is queued and sent when the socket can take it. Never blocks.
     * After {@link #close}, or once the connection has failed, the bytes are dropped.
     */
    @Override
    public void write(ByteBuffer src) {
        int len = src.remaining();
        if (len == 0) return;
        int pos = src.position();
        src.position(pos + len);
        if (closed || closeRequested || shutdownRequested || failure != null) return;
        if (head == tail) {
            int n;
            try {
                n = loop.send(fd, src, pos, len);
            } catch (ErrnoException e) {
                fail(e); // EPIPE, ECONNRESET: the peer is gone; the loop closes after this callback
                return;
            }
            if (n == len) return;
            if (n > 0) {
                pos += n;
                len -= n;
            }
        }
        enqueue(src, pos, len);
    }

    /** Bytes queued and not yet taken by the kernel. */
    @Override
    public int queuedBytes() {
        return tail - head;
    }

    /** Asks for {@link EventHandler#onWritable} each time the queue is empty and the socket can take more. */
    @Override
    public void wantWritable(boolean on) {
        wantWritable = on;
    }

    /**
     * Closes the connection once the queued output is sent (unread input is thrown away first, so the
     * peer gets FIN, not RST). Safe to call more than once.
     */
    @Override
    public void close() {
        closeRequested = true;
    }

    /** Sends FIN once the queued output is sent (shutdown(SHUT_WR)); input still arrives. */
    @Override
    public void shutdownOutput() {
        shutdownRequested = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Sends queued output; returns true when the queue is empty. A failure is kept in {@link #failure}. */
    boolean flush() {
        while (head != tail) {
            int n;
            try {
                n = loop.send(fd, queue, head, tail - head);
            } catch (ErrnoException e) {
                fail(e);
                return false;
            }
            if (n == EventIo.UNAVAILABLE) return false;
            head += n;
        }
        head = tail = 0;
        if (queue != null && queue.length > KEEP_QUEUE) queue = null;
        return true;
    }

    /** Keeps the first failure, naming the peer rather than the descriptor number EventIo knows. */
    void fail(IOException e) {
        if (failure != null) return;
        failure = e instanceof ErrnoException ee && ee.address() != null && ee.address().startsWith("fd ")
                ? new ErrnoException(ee.syscall(), ee.errnoNumber(), connection.peer())
                : e;
    }

    private void enqueue(ByteBuffer src, int pos, int len) {
        int queued = tail - head;
        if (queue == null) {
            queue = new byte[Math.max(4096, Integer.highestOneBit(len - 1) << 1)];
        } else if (queue.length - tail < len) {
            if (queued + len <= queue.length) {
                System.arraycopy(queue, head, queue, 0, queued);
            } else {
                byte[] bigger = new byte[Math.max(queue.length * 2, queued + len)];
                System.arraycopy(queue, head, bigger, 0, queued);
                queue = bigger;
            }
            head = 0;
            tail = queued;
        }
        src.get(pos, queue, tail, len);
        tail += len;
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
