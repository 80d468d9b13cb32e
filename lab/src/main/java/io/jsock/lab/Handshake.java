package io.jsock.lab;

import io.jsock.lab.draw.Ladder;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.time.Duration;
import java.util.List;

/**
 * UNP 2.6 and 4.3 (figures 2.5): connect sends SYN and returns once the server's SYN-ACK has come and
 * its ACK is sent; each side's close sends a FIN that the other acknowledges, four segments in all.
 * Seen on the wire with jsock's own capture, and drawn.
 */
final class Handshake implements Experiment {
    static final String CONNECT = "client: connect()", CONNECTED = "connect() returned", CLIENT_CLOSE = "client: close()",
            READ_EOF = "server: read() returned 0 (end of stream)", SERVER_CLOSE = "server: close()";

    @Override
    public String name() {
        return "handshake";
    }

    @Override
    public String section() {
        return "4.3";
    }

    @Override
    public String claim() {
        return "connect starts TCP's three-way handshake (SYN, SYN-ACK, ACK) and returns when it is done; "
                + "the connection ends with four segments, a FIN and its ACK in each direction.";
    }

    @Override
    public void run(Findings f) throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            l.bind(SockAddr.loopback4(0));
            l.listen(4);
            SockAddr at = l.getsockname();
            try (Wire wire = Wire.on(f, null, "lo", at.port());
                    Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                if (!wire.isOn()) {
                    f.skip("capturing segments needs CAP_NET_RAW (root)");
                    return;
                }
                wire.mark(CONNECT);
                c.connect(at, Duration.ofSeconds(5));
                wire.mark(CONNECTED);
                SockAddr client = c.getsockname();
                try (Socket connfd = l.accept().socket()) {
                    connfd.setTimeout(Duration.ofSeconds(5));
                    wire.mark(CLIENT_CLOSE);
                    c.close();
                    int n = connfd.read(new byte[1]);
                    wire.mark(READ_EOF);
                    f.expect(n == -1, "the server read " + n + " after the client's close, not end of stream");
                    wire.mark(SERVER_CLOSE);
                }
                Ladder ladder = wire.draw(f, "connect, then close on both sides", "client", client, "server", at);
                judge(f, ladder);
            }
        }
    }

    private static void judge(Findings f, Ladder ladder) {
        List<Ladder.Arrow> open = ladder.between(CONNECT, CONNECTED);
        f.saw("connect(): " + describe(open) + " before it returned");
        f.expect(open.size() >= 2 && is(open.get(0), "SYN", true) && is(open.get(1), "SYN-ACK", false),
                "connect() did not see SYN then SYN-ACK before it returned: " + describe(open));
        List<Ladder.Arrow> all = ladder.arrows();
        f.expect(all.size() >= 3 && is(all.get(2), "ACK", true), "the third segment is not the client's ACK: " + describe(all));
        List<Ladder.Arrow> close = ladder.between(CLIENT_CLOSE, null);
        f.saw("close() on both sides: " + describe(close));
        f.fact("handshake", all.stream().limit(3).map(Ladder.Arrow::flags).toList());
        f.fact("close", close.stream().map(Ladder.Arrow::flags).toList());
        boolean four = close.size() == 4 && is(close.get(0), "FIN-ACK", true) && is(close.get(1), "ACK", false)
                && is(close.get(2), "FIN-ACK", false) && is(close.get(3), "ACK", true);
        boolean three = close.size() == 3 && is(close.get(0), "FIN-ACK", true) && is(close.get(1), "FIN-ACK", false)
                && is(close.get(2), "ACK", true);
        if (three) {
            f.differs("the server's ACK of the client's FIN rode on its own FIN (it closed before the delayed ACK was due): "
                    + "three segments instead of four");
        } else {
            f.expect(four, "the close was not FIN, ACK, FIN, ACK: " + describe(close));
        }
        f.saw("every segment carries ACK after the first SYN: the FINs show as FIN-ACK (flags [F.]), as tcpdump shows them");
    }

    private static boolean is(Ladder.Arrow a, String flags, boolean rightward) {
        return a.flags().equals(flags) && a.rightward() == rightward;
    }

    static String describe(List<Ladder.Arrow> arrows) {
        if (arrows.isEmpty()) return "no segment";
        StringBuilder b = new StringBuilder();
        for (Ladder.Arrow a : arrows) b.append(b.isEmpty() ? "" : ", ").append(a.rightward() ? "-> " : "<- ").append(a.flags());
        return arrows.size() + " segment" + (arrows.size() == 1 ? "" : "s") + " (" + b + ")";
    }
}
