package io.jsock.server.proxy;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.MsgFlag;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Reads a PROXY protocol header off a connection, and nothing after it: the connection's own data
 * stays queued for the handler. Each round peeks at what the kernel holds (MSG_PEEK), lets
 * {@link ProxyHeaders#decode} judge it, and takes exactly the header's bytes; while the header is
 * incomplete, every byte seen is the header's, so it takes them all and waits for more (never a
 * busy loop over the same peeked bytes). The deadline bounds the whole header, however it is split.
 *
 * <p>Blocking ({@link #read}: a thread per connection) or a round at a time ({@link #tryRead}: an
 * event loop, which calls it each time the socket is readable and keeps the deadline itself); the
 * rounds are the same code.
 */
public final class ProxyHeaderReader {
    // The reader's owner only.
    private final byte[] header = new byte[ProxyHeaders.MAX_LENGTH];
    private int have;

    /** A reader for one connection's header, nothing read yet (for {@link #tryRead}). */
    public ProxyHeaderReader() {}

    /**
     * Reads the header at the start of {@code socket}'s stream within {@code deadline}.
     *
     * @param socket   a connected stream socket, its header not yet read; its timeout is cleared after
     * @param deadline how long the whole header may take to arrive
     * @return the header; never null
     * @throws ProxyProtocolException if the bytes are not a header, the stream ends before it does, or
     *     the deadline passes first
     * @throws IOException if the connection fails (ECONNRESET, ...)
     */
    public static ProxyHeader read(Socket socket, Duration deadline) throws IOException {
        ProxyHeaderReader r = new ProxyHeaderReader();
        long end = System.nanoTime() + deadline.toNanos();
        try {
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) throw r.late(deadline);
                socket.setTimeout(Duration.ofNanos(left));
                int n;
                try {
                    n = socket.recv(r.free(), MsgFlag.PEEK);
                } catch (SocketTimeoutException e) {
                    throw r.late(deadline);
                }
                ProxyHeader h = r.take(socket, n);
                if (h != null) return h;
            }
        } finally {
            socket.setTimeout(null);
        }
    }

    /**
     * One round without waiting: takes what is queued of the header.
     *
     * @param socket a connected stream socket, its header not yet (wholly) read
     * @return the header once it is complete; null while more bytes are needed (wait until the socket
     *     is readable, and call again)
     * @throws ProxyProtocolException if the bytes are not a header, or the stream ends before it does
     * @throws IOException if the connection fails (ECONNRESET, ...)
     */
    public ProxyHeader tryRead(Socket socket) throws IOException {
        int n;
        try {
            n = socket.recv(free(), MsgFlag.PEEK, MsgFlag.DONTWAIT);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EAGAIN) return null; // nothing queued yet
            throw e;
        }
        return take(socket, n);
    }

    /**
     * The header did not come within the deadline.
     *
     * @param deadline the deadline it had
     * @return the failure to throw, saying how many bytes came
     */
    public ProxyProtocolException late(Duration deadline) {
        return new ProxyProtocolException("PROXY header: not complete within " + deadline.toMillis() + " ms (" + have + " byte(s) came)");
    }

    /** Where a peek puts what it sees: after the bytes taken so far. */
    private ByteBuffer free() {
        return ByteBuffer.wrap(header, have, header.length - have);
    }

    /** After a peek of {@code n} bytes: the header if they complete it (only its bytes taken), else takes them all. */
    private ProxyHeader take(Socket socket, int n) throws IOException {
        if (n < 0) throw new ProxyProtocolException("PROXY header: the connection ended after " + have + " byte(s), before the header did");
        ProxyHeader h = ProxyHeaders.decode(header, have + n);
        int take = h == null ? n : h.length() - have;
        socket.readFully(header, have, take); // queued already: no wait
        have += take;
        return h;
    }
}
