package io.jsock.lab;

import io.jsock.lab.draw.Ladder;
import io.jsock.lab.text.InetText;
import io.jsock.socket.Accepted;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * UNP 4.5-4.6: accept blocks while the completed queue is empty and returns the first completed
 * connection, a new (connected) socket beside the listening one. The handshake itself does not wait
 * for accept.
 */
final class AcceptBlocks implements Experiment {
    /** How long the empty queue is watched before a client comes. */
    private static final long WATCH_MILLIS = 400;

    @Override
    public String name() {
        return "accept-blocks";
    }

    @Override
    public String section() {
        return "4.6";
    }

    @Override
    public String claim() {
        return "accept returns the first connection of the completed queue; while the queue is empty the caller "
                + "blocks; the returned socket is a new, connected one, and the listening socket stays as it was.";
    }

    @Override
    public void run(Findings f) throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.loopback4(0));
            l.listen(4);
            l.setTimeout(Duration.ofSeconds(10));
            SockAddr at = l.getsockname();
            f.saw("listener " + InetText.of(at) + ", backlog 4; a thread calls accept()");
            try (Wire wire = Wire.on(f, null, "lo", at.port())) {
                run(f, l, at, wire);
            }
        }
    }

    private static final String BLOCKS = "a thread calls accept()", WATCHED = WATCH_MILLIS + " ms later: accept() still waits",
            CONNECT = "client: connect()", RETURNED = "accept() returned";

    private static void run(Findings f, Socket l, SockAddr at, Wire wire) throws Exception {

        CompletableFuture<Accepted> accepted = new CompletableFuture<>();
        long[] returnedAt = new long[1];
        wire.mark(BLOCKS);
        Thread acceptor = Thread.ofVirtual().name("jsock-lab-acceptor").start(() -> {
            try {
                Accepted a = l.accept();
                returnedAt[0] = System.nanoTime();
                wire.mark(RETURNED);
                accepted.complete(a);
            } catch (Throwable e) {
                accepted.completeExceptionally(e);
            }
        });
        try {
            Thread.sleep(WATCH_MILLIS);
            wire.mark(WATCHED);
            long queued = Probe.listener(at).rqueue();
            Thread.State st = acceptor.getState();
            f.saw("after " + WATCH_MILLIS + " ms: completed queue (Recv-Q) " + queued + ", accept has "
                    + (accepted.isDone() ? "RETURNED" : "not returned") + " (thread " + st + ")");
            f.expect(!accepted.isDone(), "accept returned with an empty completed queue");
            f.expect(queued == 0, "the completed queue was not empty: " + queued);

            long connectAt;
            try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
                connectAt = System.nanoTime();
                wire.mark(CONNECT);
                c.connect(at);
                Accepted a = accepted.get(5, TimeUnit.SECONDS);
                try (Socket connfd = a.socket()) {
                    SockAddr client = c.getsockname();
                    f.saw(String.format("a client connected from %s; accept returned %.1f ms after connect() was called",
                            InetText.of(client), (returnedAt[0] - connectAt) / 1e6));
                    f.saw("accept gave a new socket: fd " + connfd.fd() + " (listener fd " + l.fd() + "), peer "
                            + InetText.of(a.peer()) + ", local " + InetText.of(connfd.getsockname()));
                    f.expect(Probe.same(a.peer(), client), "accept's peer " + a.peer() + " is not the client " + client);
                    f.expect(connfd.fd() != l.fd(), "accept returned the listening descriptor");
                    f.fact("acceptReturnedAfterConnectMillis", (returnedAt[0] - connectAt) / 1_000_000);
                    Ladder ladder = wire.draw(f, "accept() blocks until a handshake completes", "client", client, "server", at);
                    if (ladder != null) {
                        List<Ladder.Arrow> waiting = ladder.between(BLOCKS, WATCHED), handshake = ladder.between(CONNECT, RETURNED);
                        f.saw("on the wire: while accept() waited, " + Handshake.describe(waiting) + "; before it returned, "
                                + Handshake.describe(handshake));
                        f.expect(waiting.isEmpty(), "segments came while accept() waited with an empty queue");
                        f.expect(handshake.size() >= 3 && handshake.get(2).flags().equals("ACK"),
                                "accept() returned before the client's ACK ended the handshake: " + Handshake.describe(handshake));
                    }
                }
            }

            // The handshake does not wait for accept: with nobody in accept, connect still completes.
            try (Socket c2 = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
                c2.connect(at, Duration.ofSeconds(5));
                boolean queuedOne = Probe.within(2000, () -> Probe.listener(at).rqueue() == 1);
                f.saw("with nobody in accept, a second client's connect() completed; the completed queue (Recv-Q) is "
                        + Probe.listener(at).rqueue());
                f.expect(queuedOne, "the completed queue did not hold the second connection");
                Accepted a2 = l.tryAccept();
                f.expect(a2 != Accepted.UNAVAILABLE, "accept found nothing although the queue held a connection");
                if (a2 != Accepted.UNAVAILABLE) {
                    f.saw("the next accept() returned at once with " + InetText.of(a2.peer()));
                    a2.socket().close();
                }
            }
        } finally {
            acceptor.interrupt();
            l.close(); // wakes the acceptor if it is still waiting
            acceptor.join(2000);
        }
    }
}
