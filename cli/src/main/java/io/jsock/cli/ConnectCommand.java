package io.jsock.cli;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
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
        SockAddr claimed = proxySource == null ? null : ProxyHeader.parseSource(proxySource);
        boolean seqpacket = target.startsWith(SEQPACKET);
        refuseBadCombinations(seqpacket);
        if (listen) return listenOnce();
        if (seqpacket) return seqpacket();
        SockAddr local = bind == null ? null : StreamConnect.parseLocal(bind);
        List<SockAddr> peers = StreamConnect.resolve(target);
        if (udp) return udp(StreamConnect.reachableFrom(local, peers, target).getFirst(), local);

        Socket s = connect().first(StreamConnect.reachableFrom(local, peers, target), local, deadline());
        if (s == null) return Errors.FAILED; // the line is printed
        try (s) {
            if (verbose) err().println("jsock: connected: local " + s.getsockname() + ", peer " + s.getpeername());
            if (proxy != null) s.writeFully(ProxyHeader.of(proxy, s, claimed));
            return relay().relay(s, false);
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

    /** -u: a connected UDP socket to {@code peer} (bound to {@code local} first, when given). */
    private int udp(SockAddr peer, SockAddr local) throws IOException {
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

    private int listenOnce() throws IOException {
        SockAddr here = ListenOnce.parse(target, udp);
        ListenOnce l = new ListenOnce(err(), verbose);
        return udp ? l.udp(here, session()) : l.stream(here, options(), relay());
    }

    /** seqpacket:PATH: a Unix seqpacket connection, each line of standard input one record. */
    private int seqpacket() throws IOException {
        SockAddr to;
        try {
            to = SockAddr.parse(target.substring(SEQPACKET.length()));
        } catch (IllegalArgumentException e) {
            to = null;
        }
        if (!(to instanceof SockAddr.Local path)) {
            throw new IllegalArgumentException("bad address '" + target + "'; seqpacket: takes a Unix socket path or @name: "
                    + "seqpacket:/run/x.sock, seqpacket:@name");
        }
        Socket s = connect().seqpacket(path, deadline());
        if (s == null) return Errors.FAILED; // the line is printed
        try (s) {
            if (verbose) err().println("jsock: connected: seqpacket peer " + to);
            return relay().relay(s, true);
        }
    }

    /** --timeout as one deadline from the process's start, or null (the kernel gives up). */
    private ConnectDeadline deadline() {
        return timeout == null ? null : ConnectDeadline.of(timeout, started);
    }

    private StreamOptions options() {
        return new StreamOptions(synRetries, nodelay, linger);
    }

    private StreamConnect connect() {
        return new StreamConnect(options(), err(), verbose);
    }

    private StreamRelay relay() {
        return new StreamRelay(stdin, stdout, err(), verbose);
    }

    private UdpSession session() {
        return new UdpSession(stdin, stdout, err(), timeout == null ? UDP_QUIET : timeout, verbose);
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
