package io.jsock.cli;

import io.jsock.server.proxy.ProxyHeaders;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
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
        header = "A netcat-like client (TCP, UDP with -u, Unix stream and seqpacket): standard input to the socket, the socket to standard output.",
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
            "0:connected, and the peer closed the connection (after standard input ended, or first); "
                    + "UDP: standard input ended and replies stopped coming",
            "1:a call failed: connect (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, ...), "
                    + "bind, send, recv (ECONNRESET; UDP: ECONNREFUSED), a name that does not resolve, standard output, "
                    + "or (-u) no reply within --timeout",
            "2:bad usage: an address, duration or number that is not accepted (the message says what is)",
        })
final class ConnectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST:PORT", description = {
            "Where to connect: 127.0.0.1:9877, [::1]:9877, localhost:9877 (a name: each of its addresses "
                    + "is tried in turn), a Unix socket path (/tmp/s) or abstract name (@name), or seqpacket:PATH "
                    + "(a Unix seqpacket socket: each line of standard input one record). With -l: where to listen."})
    String target;

    @Option(names = "--bind", paramLabel = "LOCAL",
            description = "Bind the client socket first: 10.0.0.2:0 (port 0: the kernel picks), 10.0.0.2, [::1]:5000.")
    String bind;

    @Option(names = "--timeout", paramLabel = "D", converter = Durations.class,
            description = "Give up connecting D (500ms, 5s, 1.5s, 2m, 1h) after the command started (every address tried comes out of D); "
                    + "default: when the kernel gives up. "
                    + "With -u: how long to wait for replies after standard input ends (default 2s).")
    Duration timeout;

    @Option(names = "--syn-retries", paramLabel = "N",
            description = "TCP_SYNCNT: retransmit the SYN N times (1 to 127) before ETIMEDOUT; 1 is about 3 s.")
    Integer synRetries;

    @Option(names = "--linger", paramLabel = "S",
            description = "SO_LINGER on with S seconds; 0 makes close discard unsent data and send RST.")
    Integer linger;

    @Option(names = "--nodelay", description = "TCP_NODELAY: send small writes at once (no Nagle).")
    boolean nodelay;

    @Option(names = {"-u", "--udp"},
            description = "UDP: each line of standard input is one datagram to HOST:PORT, each datagram back is written out; "
                    + "after standard input ends, waits --timeout (default 2s) for more. ICMP port unreachable shows as ECONNREFUSED.")
    boolean udp;

    @Option(names = {"-l", "--listen"},
            description = "Listen once, netcat style, on HOST:PORT (a local address): TCP accepts one connection; with -u the "
                    + "first datagram's sender becomes the peer. Then relays as a client does (-v prints the address).")
    boolean listen;

    @Option(names = "--proxy", paramLabel = "v1|v2",
            description = "Send a PROXY protocol header first (HAProxy's v1 text or v2 binary), as a load balancer does: "
                    + "to test a server behind one (jsock serve --proxy-protocol, or any backend).")
    String proxy;

    @Option(names = "--proxy-source", paramLabel = "HOST:PORT",
            description = "With --proxy: the client the header names (default: this socket's own address).")
    String proxySource;

    @Option(names = {"-v", "--verbose"},
            description = "Print on standard error the local address the kernel chose (getsockname) and the peer.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final int BUFFER = 64 * 1024;

    // Where the bytes come from and go to: the process's own streams, or a test's.
    private final InputStream stdin;
    private final OutputStream stdout;
    /** Where --timeout counts from (see {@link ConnectDeadline}); a test sets another. */
    Instant started = ConnectDeadline.processStart();

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
        if (proxy != null && !proxy.equals("v1") && !proxy.equals("v2")) {
            throw new IllegalArgumentException("bad --proxy '" + proxy + "'; expected v1 or v2");
        }
        if (proxySource != null && proxy == null) throw new IllegalArgumentException("--proxy-source needs --proxy v1 or v2");
        if (proxy != null && (udp || listen || target.startsWith(SEQPACKET))) {
            throw new IllegalArgumentException("--proxy goes with a TCP connection: not with -u, -l or seqpacket:");
        }
        SockAddr claimed = proxySource == null ? null : parseProxySource(proxySource);
        boolean seqpacket = target.startsWith(SEQPACKET);
        refuseBadCombinations(seqpacket);
        if (listen) return listenOnce();
        if (seqpacket) return seqpacket();
        SockAddr local = bind == null ? null : parseLocal(bind);
        List<SockAddr> peers = resolve(target);
        if (udp) return udp(peers, local);
        ConnectDeadline deadline = timeout == null ? null : ConnectDeadline.of(timeout, started);

        Socket s = connectToFirst(peers, local, deadline);
        if (s == null) return Errors.FAILED; // the line is printed
        try (s) {
            if (verbose) err().println("jsock: connected: local " + s.getsockname() + ", peer " + s.getpeername());
            if (proxy != null) s.writeFully(proxyHeader(s, claimed));
            return copyBothWays(s, false);
        }
    }

    /** The target prefix of a Unix seqpacket socket. */
    static final String SEQPACKET = "seqpacket:";
    /** How long -u waits for replies after standard input ends, without --timeout. */
    static final Duration UDP_QUIET = Duration.ofSeconds(2);

    /** One line, exit 2, for the options that do not go together. */
    private void refuseBadCombinations(boolean seqpacket) {
        if (seqpacket && (udp || listen)) {
            throw new IllegalArgumentException(SEQPACKET + "PATH connects to a Unix seqpacket socket; -u and -l take HOST:PORT");
        }
        if (udp && (synRetries != null || nodelay || linger != null)) {
            throw new IllegalArgumentException("--syn-retries, --nodelay and --linger are TCP's; -u sends UDP datagrams");
        }
        if (listen && bind != null) {
            throw new IllegalArgumentException("with -l, HOST:PORT is the local address to listen on; --bind does not apply");
        }
        if (listen && synRetries != null) {
            throw new IllegalArgumentException("--syn-retries is for connecting; -l waits for the peer to connect");
        }
    }

    // ---- UDP, listening once, seqpacket

    private int udp(List<SockAddr> peers, SockAddr local) throws IOException {
        SockAddr peer = peers.stream().filter(p -> local == null || p.family() == local.family()).findFirst().orElse(null);
        if (peer == null) {
            throw new IllegalArgumentException("--bind " + local + " is " + local.family() + " but " + target
                    + " has only " + peers.getFirst().family() + " addresses; bind an address of the same family");
        }
        if (peer.family() == Family.LOCAL) {
            throw new IllegalArgumentException("-u sends UDP to HOST:PORT; " + target + " is a Unix socket path");
        }
        try (Socket s = Socket.open(peer.family(), SocketType.DGRAM, Protocol.UDP)) {
            if (local != null) s.bind(local);
            s.connect(peer); // no packet: it fixes the peer, so ICMP errors come back to us
            if (verbose) err().println("jsock: udp: local " + s.getsockname() + ", peer " + peer);
            return session().relay(s, true);
        }
    }

    /** -l: netcat's listen mode, once: TCP accepts one connection and relays; UDP takes the first sender as its peer. */
    private int listenOnce() throws IOException {
        SockAddr here;
        try {
            here = SockAddr.parse(target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad address '" + target + "' for -l; expected the local HOST:PORT to listen on: "
                    + "127.0.0.1:9000, 0.0.0.0:9000, [::1]:0 (0: the kernel picks; -v prints it)" + (udp ? "" : ", or a Unix socket path"));
        }
        if (udp && here.family() == Family.LOCAL) throw new IllegalArgumentException("-u listens on UDP HOST:PORT, not a Unix socket path");
        if (udp) {
            try (Socket s = Socket.open(here.family(), SocketType.DGRAM, Protocol.UDP)) {
                s.bind(here);
                if (verbose) err().println("jsock: listening on udp:" + s.getsockname());
                UdpSession session = session();
                session.awaitFirstPeer(s);
                return session.relay(s, false);
            }
        }
        Socket accepted;
        try (Socket l = open(here.family())) {
            if (here.family() != Family.LOCAL) l.setOption(SockOpt.SO_REUSEADDR, true);
            l.bind(here);
            try {
                l.listen(1);
                if (verbose) err().println("jsock: listening on " + l.getsockname());
                accepted = l.accept().socket(); // once: the listener closes behind it, as nc -l does
            } finally {
                if (here instanceof SockAddr.Local p && !p.isAbstract()) Files.deleteIfExists(Path.of(p.name())); // ours: bind made it
            }
        }
        try (Socket s = accepted) {
            if (verbose) err().println("jsock: accepted: local " + s.getsockname() + ", peer " + s.getpeername());
            configure(s, here.family());
            return copyBothWays(s, false);
        }
    }

    /** seqpacket:PATH: a Unix seqpacket connection, each line of standard input one record. */
    private int seqpacket() throws IOException {
        String path = target.substring(SEQPACKET.length());
        SockAddr to;
        try {
            to = SockAddr.parse(path);
        } catch (IllegalArgumentException e) {
            to = null;
        }
        if (!(to instanceof SockAddr.Local)) {
            throw new IllegalArgumentException("bad address '" + target + "'; seqpacket: takes a Unix socket path or @name: "
                    + "seqpacket:/run/x.sock, seqpacket:@name");
        }
        try (Socket s = Socket.open(Family.LOCAL, SocketType.SEQPACKET, Protocol.DEFAULT)) {
            if (linger != null) s.setOption(SockOpt.SO_LINGER, Linger.on(linger));
            long start = System.nanoTime();
            try {
                s.connect(to, timeout == null ? null : ConnectDeadline.of(timeout, started).left());
            } catch (IOException e) {
                if (!(e instanceof SyscallFailure)) throw e;
                err().println("jsock: " + e.getMessage() + " after " + Durations.seconds(System.nanoTime() - start));
                return Errors.FAILED;
            }
            if (verbose) err().println("jsock: connected: seqpacket peer " + to);
            return copyBothWays(s, true);
        }
    }

    private UdpSession session() {
        return new UdpSession(stdin, stdout, err(), timeout == null ? UDP_QUIET : timeout, verbose);
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
    private Socket connectToFirst(List<SockAddr> peers, SockAddr local, ConnectDeadline deadline) throws IOException {
        List<SockAddr> usable = local == null ? peers : peers.stream().filter(p -> p.family() == local.family()).toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("--bind " + local + " is " + local.family() + " but " + target
                    + " has only " + peers.getFirst().family() + " addresses; bind an address of the same family");
        }
        for (int i = 0; i < usable.size() && (i == 0 || deadline == null || !deadline.passed()); i++) {
            SockAddr peer = usable.get(i);
            Socket s = open(peer.family());
            boolean success = false;
            try {
                configure(s, peer.family());
                if (local != null) s.bind(local);
                long start = System.nanoTime();
                try {
                    s.connect(peer, deadline == null ? null : deadline.left());
                    success = true;
                    return s;
                } catch (IOException e) {
                    if (!(e instanceof SyscallFailure)) throw e; // interrupted: not this address's failure
                    String line = "jsock: " + e.getMessage() + " after " + Durations.seconds(System.nanoTime() - start);
                    boolean last = i == usable.size() - 1 || deadline != null && deadline.passed();
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

    /** The header --proxy asks for: the claimed (or our own) address as the client, the peer as the destination. */
    private byte[] proxyHeader(Socket s, SockAddr claimed) throws IOException {
        SockAddr source = claimed != null ? claimed : s.getsockname();
        SockAddr destination = s.getpeername();
        if (proxy.equals("v1")) return ProxyHeaders.v1(source, destination);
        if (source.family() != destination.family()) {
            throw new IllegalArgumentException("--proxy-source " + source + " is " + source.family() + " but the peer "
                    + destination + " is " + destination.family() + "; v2 names two addresses of one family");
        }
        return ProxyHeaders.v2(source, destination, List.of(), false);
    }

    private static SockAddr parseProxySource(String text) {
        try {
            return SockAddr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad --proxy-source '" + text + "'; expected HOST:PORT, e.g. 192.0.2.7:40000 or [2001:db8::7]:40000");
        }
    }

    // ---- copying

    /**
     * Standard input to the socket on a thread of its own, the socket to standard output on this one.
     * Ends when the peer closes (0) or something fails (an IOException for the one-line handler).
     */
    private int copyBothWays(Socket s, boolean records) throws IOException {
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
        while (true) {
            int n;
            try {
                n = stdin.read(buf);
            } catch (IOException e) {
                throw new IOException("read standard input: " + e.getMessage(), e);
            }
            if (n < 0) return;
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

    private void writeStdout(byte[] buf, int n) throws IOException {
        writeTo(stdout, buf, n);
    }

    /** Writes and flushes {@code n} bytes; a failure says it was standard output's. */
    static void writeTo(OutputStream stdout, byte[] buf, int n) throws IOException {
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
