package io.jsock.cli;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code connect -l}: netcat's listen mode, once. TCP (or a Unix stream socket) accepts one connection
 * and relays; UDP takes the first datagram's sender as its peer.
 */
final class ListenOnce {
    private final PrintWriter err;
    private final boolean verbose;

    ListenOnce(PrintWriter err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    /** The local address to listen on; a bad one is one line, exit 2. */
    static SockAddr parse(String target, boolean udp) {
        SockAddr here;
        try {
            here = SockAddr.parse(target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad address '" + target + "' for -l; expected the local HOST:PORT to listen on: "
                    + "127.0.0.1:9000, 0.0.0.0:9000, [::1]:0 (0: the kernel picks; -v prints it)" + (udp ? "" : ", or a Unix socket path"));
        }
        if (udp && here.family() == Family.LOCAL) throw new IllegalArgumentException("-u listens on UDP HOST:PORT, not a Unix socket path");
        return here;
    }

    /** -u -l: binds {@code here}, waits for the first datagram and relays with its sender. */
    int udp(SockAddr here, UdpSession session) throws IOException {
        try (Socket s = Socket.open(here.family(), SocketType.DGRAM, Protocol.UDP)) {
            s.bind(here);
            if (verbose) err.println("jsock: listening on udp:" + s.getsockname());
            session.awaitFirstPeer(s);
            return session.relay(s, false);
        }
    }

    /** -l: listens on {@code here}, accepts one connection (the listener closes behind it, as nc -l does) and relays. */
    int stream(SockAddr here, StreamOptions options, StreamRelay relay) throws IOException {
        Socket accepted;
        try (Socket l = StreamConnect.open(here.family())) {
            if (here.family() != Family.LOCAL) l.setOption(SockOpt.SO_REUSEADDR, true);
            l.bind(here);
            try {
                l.listen(1);
                if (verbose) err.println("jsock: listening on " + l.getsockname());
                accepted = l.accept().socket();
            } finally {
                if (here instanceof SockAddr.Local p && !p.isAbstract()) Files.deleteIfExists(Path.of(p.name())); // ours: bind made it
            }
        }
        try (Socket s = accepted) {
            if (verbose) err.println("jsock: accepted: local " + s.getsockname() + ", peer " + s.getpeername());
            options.apply(s, here.family());
            return relay.relay(s, false);
        }
    }
}
