package io.jsock.cli;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * {@code connect}'s connect(2), UNP's tcp_connect: the target's addresses tried in turn (as tcpclient
 * does) with the socket options set first, and a failure as one line with how long it took.
 */
final class StreamConnect {
    private final StreamOptions options;
    private final PrintWriter err;
    private final boolean verbose;

    StreamConnect(StreamOptions options, PrintWriter err, boolean verbose) {
        this.options = options;
        this.err = err;
        this.verbose = verbose;
    }

    /** SockAddr.resolve, with a name that does not resolve as a one-line failure. */
    static List<SockAddr> resolve(String target) throws IOException {
        try {
            return SockAddr.resolve(target);
        } catch (UnknownHostException e) {
            String host = target.substring(0, Math.max(0, target.lastIndexOf(':')));
            throw new IOException("connect " + target + ": cannot resolve '" + host + "' (no address for this name)");
        }
    }

    /** A LOCAL address for --bind; a bare IP means port 0 (the kernel chooses the port). */
    static SockAddr parseLocal(String text) {
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

    /** The peers a socket bound to {@code local} (null: not bound) can reach: those of its family; none is one line, exit 2. */
    static List<SockAddr> reachableFrom(SockAddr local, List<SockAddr> peers, String target) {
        List<SockAddr> usable = local == null ? peers : peers.stream().filter(p -> p.family() == local.family()).toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("--bind " + local + " is " + local.family() + " but " + target
                    + " has only " + peers.getFirst().family() + " addresses; bind an address of the same family");
        }
        return usable;
    }

    /** A stream socket of {@code family}: TCP, or a Unix stream socket. */
    static Socket open(Family family) throws IOException {
        return Socket.open(family, SocketType.STREAM, family == Family.LOCAL ? Protocol.DEFAULT : Protocol.TCP);
    }

    /**
     * Tries each address in turn and returns the first connected socket; when every one fails, prints
     * the last failure (with how long it took) and returns {@code null}. Earlier failures are printed
     * with -v. A failing bind or socket option ends it at once.
     *
     * @param usable the addresses, of {@code local}'s family (see {@link #reachableFrom})
     * @param local where to bind first, or null
     * @param deadline when to stop trying (the next address is not tried once it has passed), or null for the kernel's
     */
    Socket first(List<SockAddr> usable, SockAddr local, ConnectDeadline deadline) throws IOException {
        for (int i = 0; i < usable.size() && (i == 0 || deadline == null || !deadline.passed()); i++) {
            SockAddr peer = usable.get(i);
            Socket s = open(peer.family());
            boolean success = false;
            try {
                options.apply(s, peer.family());
                if (local != null) s.bind(local);
                long start = System.nanoTime();
                try {
                    s.connect(peer, deadline == null ? null : deadline.left());
                    success = true;
                    return s;
                } catch (IOException e) {
                    if (!(e instanceof SyscallFailure)) throw e; // interrupted: not this address's failure
                    String line = failure(e, start);
                    boolean last = i == usable.size() - 1 || deadline != null && deadline.passed();
                    if (last) err.println(line);
                    else if (verbose) err.println(line + "; trying the next address");
                }
            } finally {
                if (!success) s.close();
            }
        }
        return null;
    }

    /**
     * Connects a Unix seqpacket socket to {@code to}; a failure is printed (with how long it took) and
     * gives {@code null}.
     *
     * @param deadline when to give up, or null for the kernel's
     */
    Socket seqpacket(SockAddr.Local to, ConnectDeadline deadline) throws IOException {
        Socket s = Socket.open(Family.LOCAL, SocketType.SEQPACKET, Protocol.DEFAULT);
        boolean success = false;
        try {
            options.apply(s, Family.LOCAL);
            long start = System.nanoTime();
            try {
                s.connect(to, deadline == null ? null : deadline.left());
            } catch (IOException e) {
                if (!(e instanceof SyscallFailure)) throw e;
                err.println(failure(e, start));
                return null;
            }
            success = true;
            return s;
        } finally {
            if (!success) s.close();
        }
    }

    /** The one line of a failed connect: the call, the address, the errno, and how long it took. */
    private static String failure(IOException e, long start) {
        return "jsock: " + e.getMessage() + " after " + Durations.seconds(System.nanoTime() - start);
    }
}
