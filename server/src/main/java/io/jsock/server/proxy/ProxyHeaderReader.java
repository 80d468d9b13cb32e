package io.jsock.server.proxy;

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
 */
public final class ProxyHeaderReader {
    private ProxyHeaderReader() {}

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
        byte[] header = new byte[ProxyHeaders.MAX_LENGTH];
        int have = 0;
        long end = System.nanoTime() + deadline.toNanos();
        try {
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) throw late(deadline, have);
                socket.setTimeout(Duration.ofNanos(left));
                int n;
                try {
                    n = socket.recv(ByteBuffer.wrap(header, have, header.length - have), MsgFlag.PEEK);
                } catch (SocketTimeoutException e) {
                    throw late(deadline, have);
                }
                if (n < 0) throw new ProxyProtocolException("PROXY header: the connection ended after " + have + " byte(s), before the header did");
                ProxyHeader h = ProxyHeaders.decode(header, have + n);
                int take = h == null ? n : h.length() - have;
                socket.readFully(header, have, take); // queued already: no wait
                have += take;
                if (h != null) return h;
            }
        } finally {
            socket.setTimeout(null);
        }
    }

    private static ProxyProtocolException late(Duration deadline, int have) {
        return new ProxyProtocolException("PROXY header: not complete within " + deadline.toMillis() + " ms (" + have + " byte(s) came)");
    }
}
