package io.jsock.cli;

import io.jsock.socket.Family;
import io.jsock.socket.Linger;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jsock connect HOST:PORT}: a netcat-like client, UNP's str_cli with shutdown. Standard input
 * goes to the socket and the socket to standard output, byte for byte. When standard input ends,
 * the write side is shut down (FIN) and the socket is read until the peer closes; when the peer
 * closes first, or resets, the command ends at once.
 */
@Command(name = "connect",
        header = "A netcat-like TCP client: standard input to the socket, the socket to standard output.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Connects to HOST:PORT (connect(2): waits until the three-way handshake ends), then copies "
                    + "standard input to the socket and the socket to standard output, binary-safe. At the end "
                    + "of standard input it sends FIN (shutdown SHUT_WR) and keeps reading until the peer closes.",
            "A failed connect prints one line, e.g.:",
            "  jsock: connect 10.213.1.77:80: ETIMEDOUT (Connection timed out) after 3.0 s",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:connected, and the peer closed the connection (after standard input ended, or first)",
            "1:a call failed: connect (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, ...), "
                    + "bind, send, recv (ECONNRESET), a name that does not resolve, or standard output",
            "2:bad usage: an address, duration or number that is not accepted (the message says what is)",
        })
final class ConnectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST:PORT", description = {
            "Where to connect: 127.0.0.1:9877, [::1]:9877, localhost:9877 (a name: each of its addresses "
                    + "is tried in turn), or a Unix socket path (/tmp/s) or abstract name (@name)."})
    String target;

    @Option(names = "--bind", paramLabel = "LOCAL",
            description = "Bind the client socket first: 10.0.0.2:0 (port 0: the kernel picks), 10.0.0.2, [::1]:5000.")
    String bind;

    @Option(names = "--timeout", paramLabel = "D", converter = Durations.class,
            description = "Give up connecting after D (500ms, 5s, 1.5s, 2m, 1h); default: when the kernel gives up.")
    Duration timeout;

    @Option(names = "--syn-retries", paramLabel = "N",
            description = "TCP_SYNCNT: retransmit the SYN N times (1 to 127) before ETIMEDOUT; 1 is about 3 s.")
    Integer synRetries;

    @Option(names = "--linger", paramLabel = "S",
            description = "SO_LINGER on with S seconds; 0 makes close discard unsent data and send RST.")
    Integer linger;

    @Option(names = "--nodelay", description = "TCP_NODELAY: send small writes at once (no Nagle).")
    boolean nodelay;

    @Option(names = {"-v", "--verbose"},
            description = "Print on standard error the local address the kernel chose (getsockname) and the peer.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final int BUFFER = 64 * 1024;

    // Where the bytes come from and go to: the process's own streams, or a test's.
    private final InputStream stdin;
    private final OutputStream stdout;

    ConnectCommand() {
        this(System.in, new FileOutputStream(FileDescriptor.out));
    }

    ConnectCommand(InputStream stdin, OutputStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    @Override
    public Integer call() throws IOException {
        if (Duration.ZERO.equals(timeout)) throw new IllegalArgumentException("bad --timeout '0'; expected " + Durations.FORMS);
        if (synRetries != null && (synRetries < 1 || synRetries > 127)) {
            throw new IllegalArgumentException("bad --syn-retries " + synRetries + "; expected 1 to 127 (TCP_SYNCNT)");
        }
        if (linger != null && linger < 0) {
            throw new IllegalArgumentException("bad --linger " + linger + "; expected seconds >= 0 (0: close sends RST)");
        }
        SockAddr local = bind == null ? null : parseLocal(bind);
        List<SockAddr> peers = resolve(target);

        Socket s = connectToFirst(peers, local, timeout);
        if (s == null) return Errors.FAILED; // the line is printed
        try (s) {
            if (verbose) err().println("jsock: connected: local " + s.getsockname() + ", peer " + s.getpeername());
            return copyBothWays(s);
        }
    }

    // ---- connecting

    /** SockAddr.resolve, with a name that does not resolve as a one-line failure. */
    private static List<SockAddr> resolve(String target) throws IOException {
        try {
            return SockAddr.resolve(target);
        } catch (UnknownHostException e) {
            String host = target.substring(0, Math.max(0, target.lastIndexOf(':')));
            throw new IOException("connect " + target + ": cannot resolve '" + host + "' (no address for this name)");
        }
    }

    /** A LOCAL address; a bare IP means port 0 (the kernel chooses the port). */
    private static SockAddr parseLocal(String text) {
        try {
            return SockAddr.parse(text);
        } catch (IllegalArgumentException withoutPort) {
            try {
                return SockAddr.parse(text.contains(":") && !text.startsWith("[") ? "[" + text + "]:0" : text + ":0");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad --bind '" + text + "'; expected a local address with or "
                        + "without a port: 10.0.0.2, 10.0.0.2:0, [::1]:5000, ::1, or a Unix socket path");
            }
        }
    }

    /**
     * Tries each address in turn, as tcpclient does, and returns the first connected socket; when
     * every one fails, prints the last failure (with how long it took) and returns {@code null}.
     * Earlier failures are printed with -v. A failing bind or socket option ends it at once.
     */
    private Socket connectToFirst(List<SockAddr> peers, SockAddr local, Duration limit) throws IOException {
        List<SockAddr> usable = local == null ? peers : peers.stream().filter(p -> p.family() == local.family()).toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("--bind " + local + " is " + local.family() + " but " + target
                    + " has only " + peers.getFirst().family() + " addresses; bind an address of the same family");
        }
        for (int i = 0; i < usable.size(); i++) {
            SockAddr peer = usable.get(i);
            Socket s = open(peer.family());
            boolean success = false;
            try {
                configure(s, peer.family());
                if (local != null) s.bind(local);
                long start = System.nanoTime();
                try {
                    s.connect(peer, limit);
                    success = true;
                    return s;
                } catch (IOException e) {
                    if (!(e instanceof SyscallFailure)) throw e; // interrupted: not this address's failure
                    String line = "jsock: " + e.getMessage() + " after " + Durations.seconds(System.nanoTime() - start);
                    boolean last = i == usable.size() - 1;
                    if (last) err().println(line);
                    else if (verbose) err().println(line + "; trying the next address");
                }
            } finally {
                if (!success) s.close();
            }
        }
        return null;
    }

    private static Socket open(Family family) throws IOException {
        return Socket.open(family, SocketType.STREAM, family == Family.LOCAL ? Protocol.DEFAULT : Protocol.TCP);
    }

    private void configure(Socket s, Family family) throws IOException {
        boolean tcp = family != Family.LOCAL;
        if (synRetries != null && tcp) s.setOption(SockOpt.TCP_SYNCNT, synRetries);
        if (nodelay && tcp) s.setOption(SockOpt.TCP_NODELAY, true);
        if (linger != null) s.setOption(SockOpt.SO_LINGER, Linger.on(linger));
    }

    // ---- copying

    /**
     * Standard input to the socket on a thread of its own, the socket to standard output on this one.
     * Ends when the peer closes (0) or something fails (an IOException for the one-line handler).
     */
    private int copyBothWays(Socket s) throws IOException {
        AtomicReference<IOException> upFailure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        AtomicBoolean finSent = new AtomicBoolean();
        Thread.ofPlatform().daemon(true).name("jsock-connect-stdin").start(() -> {
            try {
                sendStdin(s, sent, finSent);
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
                writeStdout(buf, n);
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
            err().println("jsock: the peer closed the connection (" + stdinState + "): " + sent.get()
                    + " bytes sent, " + received + " received");
        }
        return 0;
    }

    private void sendStdin(Socket s, AtomicLong sent, AtomicBoolean finSent) throws IOException {
        byte[] buf = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = stdin.read(buf);
            } catch (IOException e) {
                throw new IOException("read standard input: " + e.getMessage(), e);
            }
            if (n < 0) break;
            s.writeFully(buf, 0, n);
            sent.addAndGet(n);
        }
        finSent.set(true); // before the FIN: the peer may answer it before this thread runs again
        s.shutdown(Shutdown.WRITE); // FIN now; keep reading what the peer still sends (UNP 6.6)
    }

    private void writeStdout(byte[] buf, int n) throws IOException {
        try {
            stdout.write(buf, 0, n);
            stdout.flush();
        } catch (IOException e) {
            throw new IOException("write standard output: " + e.getMessage(), e);
        }
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
