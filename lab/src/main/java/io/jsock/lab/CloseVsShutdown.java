package io.jsock.lab;

import io.jsock.lab.draw.Ladder;
import io.jsock.lab.text.InetText;
import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.ErrnoSocketTimeoutException;
import io.jsock.socket.Family;
import io.jsock.socket.Linger;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * UNP 4.9: close drops one reference and sends FIN only when the last goes; shutdown(SHUT_WR)
 * sends FIN whatever other descriptors share the socket; SO_LINGER with 0 seconds makes close send
 * RST. The peer's segment counter (TCP_INFO tcpi_segs_in) and its read tell what arrived.
 */
final class CloseVsShutdown implements Experiment {
    /** How long to watch for a segment that should not come. */
    private static final long QUIET_MILLIS = 300;

    @Override
    public String name() {
        return "close-vs-shutdown";
    }

    @Override
    public String section() {
        return "4.9";
    }

    @Override
    public String claim() {
        return "close only decrements the descriptor's reference count: with another reference left, no FIN is sent; "
                + "shutdown sends FIN regardless of the count.";
    }

    @Override
    public void run(Findings f) throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.loopback4(0));
            l.listen(4);
            SockAddr at = l.getsockname();
            try (Wire wire = Wire.on(f, null, "lo", at.port())) {
                closeAndShutdown(f, l, at, wire);
                lingerZero(f, l, at, wire);
            }
        }
    }

    private static void closeAndShutdown(Findings f, Socket l, SockAddr at, Wire wire) throws Exception {
        try (Socket peer = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            peer.connect(at);
            peer.setTimeout(Duration.ofSeconds(3));
            Socket connfd = l.accept().socket();
            Socket twin = connfd.dup();
            try {
                SockAddr here = connfd.getsockname(), there = peer.getsockname();
                f.saw("connected " + InetText.of(here) + " <-> peer " + InetText.of(there) + "; dup() gave fd " + twin.fd()
                        + " beside fd " + connfd.fd());
                int before = Probe.segsIn(peer);
                String closeMark = "close(fd " + connfd.fd() + "); fd " + twin.fd() + " still open", quietMark = QUIET_MILLIS + " ms later";
                wire.mark(closeMark);
                connfd.close();
                Thread.sleep(QUIET_MILLIS);
                wire.mark(quietMark);
                int afterClose = Probe.segsIn(peer);
                String readAfterClose = Probe.tryRead(peer);
                String stateAfterClose = Probe.state(here, there);
                f.saw("close(fd " + connfd.fd() + "): peer received " + (afterClose - before) + " segments in " + QUIET_MILLIS
                        + " ms; peer's read: " + readAfterClose + "; the socket is " + stateAfterClose);
                f.expect(afterClose == before, "close of one of two descriptors sent " + (afterClose - before) + " segments");
                f.expect(readAfterClose.startsWith("EAGAIN"), "after close of one descriptor the peer read " + readAfterClose);
                f.expect(stateAfterClose.equals("ESTABLISHED"), "after close of one descriptor the socket is " + stateAfterClose);

                wire.mark("fd " + twin.fd() + ": write(\"still here\")");
                twin.writeFully("still here".getBytes());
                byte[] got = new byte[10];
                peer.readFully(got);
                f.saw("the other descriptor still writes: the peer read \"" + new String(got) + "\"");

                int beforeShutdown = Probe.segsIn(peer);
                String shutdownMark = "shutdown(fd " + twin.fd() + ", SHUT_WR)";
                wire.mark(shutdownMark);
                twin.shutdown(Shutdown.WRITE);
                ByteBuffer one = ByteBuffer.allocate(1);
                int n = peer.read(one); // waits at most the timeout: EOF is the FIN
                int afterShutdown = Probe.segsIn(peer);
                String serverState = Probe.state(here, there), peerState = Probe.state(there, here);
                f.saw("shutdown(SHUT_WR) with a descriptor still open: peer received " + (afterShutdown - beforeShutdown)
                        + " segment(s); peer's read returned " + n + (n < 0 ? " (end of stream: the FIN)" : "")
                        + "; states: ours " + serverState + ", peer " + peerState);
                f.expect(n == -1, "after shutdown(SHUT_WR) the peer read " + n + " instead of end of stream");
                f.expect(afterShutdown - beforeShutdown >= 1, "no segment reached the peer after shutdown");
                f.expect(serverState.startsWith("FIN_WAIT"), "after shutdown our socket is " + serverState);
                f.expect(peerState.equals("CLOSE_WAIT"), "after the FIN the peer is " + peerState);
                Ladder ladder = wire.draw(f, "close of one of two descriptors, then shutdown", "peer", there, "server", here);
                if (ladder != null) {
                    List<Ladder.Arrow> onClose = ladder.between(closeMark, quietMark), onShutdown = ladder.between(shutdownMark, null);
                    f.saw("on the wire: close(fd " + connfd.fd() + ") sent " + Handshake.describe(onClose) + "; shutdown sent "
                            + Handshake.describe(onShutdown));
                    f.expect(onClose.isEmpty(), "close of one of two descriptors put segments on the wire: " + Handshake.describe(onClose));
                    f.expect(onShutdown.stream().anyMatch(a -> !a.rightward() && a.flags().startsWith("FIN")),
                            "no FIN from the server followed shutdown: " + Handshake.describe(onShutdown));
                }
                f.fact("segmentsAfterClose", afterClose - before);
                f.fact("segmentsAfterShutdown", afterShutdown - beforeShutdown);
            } finally {
                connfd.close();
                twin.close();
            }
        }
    }

    private static void lingerZero(Findings f, Socket l, SockAddr at, Wire wire) throws Exception {
        try (Socket peer = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            peer.connect(at);
            peer.setTimeout(Duration.ofSeconds(3));
            try (Socket connfd = l.accept().socket()) {
                SockAddr here = connfd.getsockname(), there = peer.getsockname();
                connfd.setOption(SockOpt.SO_LINGER, Linger.on(0));
                int before = Probe.segsIn(peer);
                String lingerMark = "SO_LINGER {on, 0 s}; close()";
                wire.mark(lingerMark);
                connfd.close();
                String read;
                try {
                    int n = peer.read(ByteBuffer.allocate(1));
                    read = "returned " + n;
                } catch (ErrnoException | ErrnoSocketTimeoutException e) {
                    read = e.errno() + "";
                }
                int after = Probe.segsIn(peer);
                String ours = Probe.state(here, there);
                f.saw("SO_LINGER {on, 0 s} then close(): peer received " + (after - before) + " segment; its read: " + read
                        + "; our socket is " + ours + " (no TIME_WAIT)");
                f.expect(read.equals(Errno.ECONNRESET.name()), "after an abortive close the peer read " + read + ", not ECONNRESET");
                f.expect(ours.equals("gone"), "after an abortive close our socket is " + ours);
                f.fact("peerReadAfterLingerZero", read);
                Ladder ladder = wire.draw(f, "SO_LINGER 0, then close: an abortive close", "peer", there, "server", here);
                if (ladder != null) {
                    List<Ladder.Arrow> onClose = ladder.between(lingerMark, null);
                    f.saw("on the wire: the abortive close sent " + Handshake.describe(onClose));
                    f.expect(!onClose.isEmpty() && !onClose.get(0).rightward() && onClose.get(0).flags().startsWith("RST"),
                            "the abortive close did not send RST first: " + Handshake.describe(onClose));
                }
            }
        }
    }
}
