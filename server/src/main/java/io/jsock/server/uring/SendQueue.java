package io.jsock.server.uring;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A connection's output not yet sent: native chunks from its loop's pool (an io_uring send reads its
 * bytes after the call that submitted it returns, so they cannot live in the Java heap, where the GC
 * moves them). One send is in flight at a time, from the first chunk ({@link #inFlight}); writes
 * append to the last. An idle connection holds no chunk.
 */
final class SendQueue {
    /** Bytes per chunk. */
    static final int CHUNK = 16 * 1024;

    /** One chunk: bytes {@code [head, tail)} wait to be sent. */
    static final class Chunk {
        final MemorySegment segment;
        final ByteBuffer bytes;
        int head, tail;

        Chunk(MemorySegment segment) {
            this.segment = segment;
            this.bytes = segment.asByteBuffer();
        }

        Chunk reset() {
            head = tail = 0;
            return this;
        }
    }

    /** Where chunks come from and go back to: the loop's pool. */
    interface Pool {
        Chunk chunk();

        void recycle(Chunk c);
    }

    private final Pool pool;
    private ArrayDeque<Chunk> chunks; // null while empty: an idle connection holds nothing but this object
    private int queued;

    SendQueue(Pool pool) {
        this.pool = pool;
    }

    /** {@return the bytes queued, including those of the send in flight} */
    int queued() {
        return queued;
    }

    /** Copies {@code src[pos, pos+len)} to the end of the queue. */
    void append(ByteBuffer src, int pos, int len) {
        if (chunks == null) chunks = new ArrayDeque<>(2);
        while (len > 0) {
            Chunk last = chunks.peekLast();
            if (last == null || last.tail == CHUNK) {
                last = pool.chunk();
                chunks.addLast(last);
            }
            int n = Math.min(len, CHUNK - last.tail);
            last.bytes.put(last.tail, src, pos, n);
            last.tail += n;
            pos += n;
            len -= n;
            queued += n;
        }
    }

    /** The first chunk, whose {@code [head, tail)} the next send takes; null when nothing is queued. */
    Chunk inFlight() {
        return chunks == null ? null : chunks.peekFirst();
    }

    /** The kernel took {@code n} bytes of the first chunk; a drained chunk goes back to the pool. */
    void sent(int n) {
        Chunk first = chunks.peekFirst();
        first.head += n;
        queued -= n;
        if (first.head == first.tail) pool.recycle(chunks.pollFirst());
        if (chunks.isEmpty()) chunks = null;
    }

    /** Gives every chunk back (the connection has ended and nothing is in flight). */
    void clear() {
        if (chunks != null) {
            for (Chunk c; (c = chunks.pollFirst()) != null; ) pool.recycle(c);
            chunks = null;
        }
        queued = 0;
    }
}
