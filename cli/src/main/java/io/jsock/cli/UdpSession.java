package io.jsock.cli;

import io.jsock.socket.Errno;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code jsock connect -u}: a connected UDP socket (so that the kernel reports ICMP port unreachable,
 * as ECONNREFUSED on the next call), each line of standard input sent as one datagram, each datagram
 * received written to standard output. UDP has no end of stream: after standard input ends, replies
 * are awaited until none has come for the timeout.
 */
final class UdpSession {
    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintWriter err;
    private final Duration quiet;
    private final boolean verbose;

    UdpSession(InputStream stdin, OutputStream stdout, PrintWriter err, Duration quiet, boolean verbose) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.err = err;
        this.quiet = quiet;
        this.verbose = verbose;
    }

    /**
     * {@code connect -u -l}: waits for the first datagram on {@code s} (bound), writes it out, and
     * connects {@code s} to its sender, netcat style: from then on only that peer is heard.
     *
     * @return the peer
     */
    SockAddr awaitFirstPeer(Socket s) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        Socket.Received r = s.recvfrom(b);
        if (r.from() == null) throw new IOException("recvfrom " + s.getsockname() + ": the sender has no address to answer");
        s.connect(r.from());
        if (verbose) err.println("jsock: first datagram from " + r.from() + "; connected to it");
        Stdio.write(stdout, b.array(), r.length());
        return r.from();
    }

    /**
     * Sends each line of standard input as a datagram and writes every datagram received, until
     * standard input has ended and nothing has come for the timeout.
     *
     * @param s a connected datagram socket
     * @param expectReply whether silence is a failure (a client's question got no answer)
     * @return 0, or 1 when a reply was expected and none came (the line is printed)
     */
    int relay(Socket s, boolean expectReply) throws IOException {
        SockAddr peer = s.getpeername();
        AtomicReference<IOException> upFailure = new AtomicReference<>();
        AtomicBoolean stdinEnded = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        Thread.ofPlatform().daemon(true).name("jsock-connect-stdin").start(() -> {
            try {
                StdinRecords records = new StdinRecords(stdin);
                for (byte[] r; (r = records.next()) != null; ) {
                    s.write(r); // one datagram
                    sent.incrementAndGet();
                }
            } catch (SocketClosedException ending) {
                // the reader is done and closed the socket: nothing more to send
            } catch (IOException e) {
                upFailure.set(e);
            } finally {
                stdinEnded.set(true);
            }
        });
        s.setTimeout(quiet);
        long received = 0;
        byte[] buf = new byte[64 * 1024];
        while (true) {
            IOException up = upFailure.get();
            if (up != null) throw refused(up, peer);
            int n;
            try {
                n = s.read(buf);
            } catch (SocketTimeoutException silence) {
                if (!stdinEnded.get()) continue; // still sending: keep listening
                if (upFailure.get() != null) continue; // reported at the top of the loop
                break;
            } catch (IOException e) {
                throw refused(e, peer);
            }
            Stdio.write(stdout, buf, n);
            received++;
        }
        if (verbose) err.println("jsock: " + sent.get() + " datagram(s) sent to " + peer + ", " + received + " received");
        if (expectReply && received == 0 && sent.get() > 0) {
            err.println("jsock: no reply from " + peer + " within " + Durations.seconds(quiet.toNanos())
                    + " (UDP: the datagram or its reply was lost, or the service sends none)");
            return Errors.FAILED;
        }
        return 0;
    }

    /** ECONNREFUSED on a connected UDP socket is ICMP port unreachable: say so. */
    private static IOException refused(IOException e, SockAddr peer) {
        if (e instanceof SyscallFailure f && f.errno() == Errno.ECONNREFUSED) {
            return new IOException(e.getMessage() + ": ICMP port unreachable, nothing listens on UDP " + peer, e);
        }
        return e;
    }
}
