package io.jsock.cli;

import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * UNP's str_cli with shutdown, over a connected stream or seqpacket socket: standard input to the
 * socket on a thread of its own, the socket to standard output on the caller's. At the end of
 * standard input the write side is shut down (FIN) and the socket is read until the peer closes;
 * when the peer closes first, or resets, the relay ends at once.
 */
final class StreamRelay {
    private static final int BUFFER = 64 * 1024;

    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintWriter err;
    private final boolean verbose;

    StreamRelay(InputStream stdin, OutputStream stdout, PrintWriter err, boolean verbose) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.err = err;
        this.verbose = verbose;
    }

    /**
     * Copies both ways until the peer closes.
     *
     * @param s a connected socket
     * @param records whether each line of standard input goes as one record (seqpacket) rather than byte for byte
     * @return 0 when the peer closed; a failure is an IOException for the one-line handler
     */
    int relay(Socket s, boolean records) throws IOException {
        AtomicReference<IOException> upFailure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        AtomicBoolean finSent = new AtomicBoolean();
        Thread.ofPlatform().daemon(true).name("jsock-connect-stdin").start(() -> {
            try {
                sendStdin(s, records, sent, finSent);
            } catch (SocketClosedException readerFinished) {
                // The peer closed and this command is ending: what stdin still had has nowhere to go.
            } catch (IOException e) {
                upFailure.set(e);
                try {
                    s.shutdown(Shutdown.READ); // wake the reader: its recv returns end of stream
                } catch (IOException alreadyGone) {
                    // The socket is closed or reset: the reader is ending anyway.
                }
            }
        });
        long received = 0;
        byte[] buf = new byte[BUFFER];
        try {
            int n;
            while ((n = s.read(buf)) >= 0) {
                Stdio.write(stdout, buf, n);
                received += n;
            }
        } catch (IOException e) {
            if (!(e instanceof SyscallFailure)) throw e;
            IOException first = upFailure.get();
            throw first != null ? first : e; // e.g. recv ...: ECONNRESET (Connection reset by peer)
        }
        IOException failure = upFailure.get();
        if (failure != null) throw failure;
        if (verbose) {
            String stdinState = finSent.get() ? "after our FIN" : "first: standard input still open";
            err.println("jsock: the peer closed the connection (" + stdinState + "): " + sent.get()
                    + " bytes sent, " + received + " received");
        }
        return 0;
    }

    private void sendStdin(Socket s, boolean records, AtomicLong sent, AtomicBoolean finSent) throws IOException {
        if (records) {
            sendLines(s, sent);
        } else {
            sendBytes(s, sent);
        }
        finSent.set(true); // before the FIN: the peer may answer it before this thread runs again
        s.shutdown(Shutdown.WRITE); // FIN now; keep reading what the peer still sends (UNP 6.6)
    }

    /** Standard input as it comes, byte for byte. */
    private void sendBytes(Socket s, AtomicLong sent) throws IOException {
        byte[] buf = new byte[BUFFER];
        for (int n; (n = Stdio.read(stdin, buf)) >= 0; ) {
            s.writeFully(buf, 0, n);
            sent.addAndGet(n);
        }
    }

    /** seqpacket: each line of standard input one record, whole (a send on a seqpacket socket is all or nothing). */
    private void sendLines(Socket s, AtomicLong sent) throws IOException {
        StdinRecords lines = new StdinRecords(stdin);
        for (byte[] r; (r = lines.next()) != null; ) {
            s.write(r);
            sent.addAndGet(r.length);
        }
    }
}
