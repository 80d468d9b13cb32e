package io.jsock.lab;

import io.jsock.socket.diag.DiagSocket;
import io.jsock.socket.SockAddr;
import io.jsock.socket.diag.SockDiag;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Small looks at the kernel that several experiments share: a socket's sock_diag entry, bounded waits. */
final class Probe {
    private Probe() {}

    /** The sock_diag entry of the connection from {@code local} to {@code peer} (this thread's namespace). */
    static Optional<DiagSocket> entry(SockAddr local, SockAddr peer) throws IOException {
        for (DiagSocket d : SockDiag.tcp(SockDiag.ALL_STATES, local.port())) {
            if (same(d.local(), local) && same(d.peer(), peer)) return Optional.of(d);
        }
        return Optional.empty();
    }

    /** The state sock_diag reports for the connection from {@code local} to {@code peer}, or "gone" when the kernel has none. */
    static String state(SockAddr local, SockAddr peer) throws IOException {
        return entry(local, peer).map(d -> d.state().name()).orElse("gone");
    }

    /** The listening entry at {@code local}. */
    static DiagSocket listener(SockAddr local) throws IOException {
        return listener(local, SockDiag.tcp(SockDiag.ALL_STATES, local.port()));
    }

    static DiagSocket listener(SockAddr local, List<DiagSocket> all) throws IOException {
        for (DiagSocket d : all) if (d.isListener() && same(d.local(), local)) return d;
        throw new IOException("sock_diag shows no listener at " + local);
    }

    /** Same address and port, whatever the IPv6 scope or flow fields. */
    static boolean same(SockAddr a, SockAddr b) {
        return a.port() == b.port() && java.util.Arrays.equals(bytes(a), bytes(b));
    }

    private static byte[] bytes(SockAddr a) {
        return a.toJava() instanceof java.net.InetSocketAddress i ? i.getAddress().getAddress() : new byte[0];
    }

    /** tcpi_segs_in of {@code s} (TCP_INFO): the segments it has received, FIN and RST included. */
    static int segsIn(Socket s) throws IOException {
        return s.getOption(io.jsock.socket.SockOpt.TCP_INFO).segsIn();
    }

    /** recv(2) with MSG_DONTWAIT, told in words: "5 bytes", "end of stream", "EAGAIN (nothing arrived)". */
    static String tryRead(Socket s) throws IOException {
        try {
            int n = s.recv(java.nio.ByteBuffer.allocate(16), io.jsock.socket.MsgFlag.DONTWAIT);
            return n < 0 ? "end of stream" : n + " bytes";
        } catch (io.jsock.socket.ErrnoException e) {
            return e.errno() + " (nothing arrived)";
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits up to {@code millis} (in 10 ms steps) for {@code c}; whether it came true. */
    static boolean within(long millis, Condition c) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            if (c.holds()) return true;
            if (System.nanoTime() - deadline > 0) return false;
            Thread.sleep(10);
        }
    }
}
