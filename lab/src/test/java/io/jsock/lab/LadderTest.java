package io.jsock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.lab.draw.Ladder;
import io.jsock.lab.draw.Queues;
import io.jsock.socket.packet.Packet;
import io.jsock.socket.packet.Segment;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ladder's and the queues' drawings, from packets as the capture decodes them (no capture needed). */
class LadderTest {
    private static final InetAddress CLIENT = address("10.213.1.2"), SERVER = address("10.213.1.66");

    @Test
    void aHandshakeIsDrawnAsThreeArrowsWithRelativeNumbersAndTheMarksBetween() {
        List<Packet> packets = List.of(
                tcp(1, CLIENT, 40000, SERVER, 80, 1000, 0, Segment.SYN),
                tcp(2, SERVER, 80, CLIENT, 40000, 5000, 1001, Segment.SYN | Segment.ACK),
                tcp(3, CLIENT, 40000, SERVER, 80, 1001, 5001, Segment.ACK),
                tcp(5, SERVER, 80, CLIENT, 40000, 5001, 1001, Segment.RST | Segment.ACK));
        Ladder l = Ladder.of("handshake", "client", CLIENT, 40000, "server", packets,
                List.of(new Ladder.Mark(at(0), "connect()"), new Ladder.Mark(at(4), "close with SO_LINGER 0")));
        assertThat(l.arrows()).extracting(a -> a.flags() + (a.rightward() ? " ->" : " <-") + " " + a.detail())
                .containsExactly("SYN -> seq 0", "SYN-ACK <- seq 0 ack 1", "ACK -> ack 1", "RST-ACK <- seq 1 ack 1");
        assertThat(l.between("connect()", "close with SO_LINGER 0")).hasSize(3);
        assertThat(l.between("close with SO_LINGER 0", null)).singleElement().extracting(Ladder.Arrow::flags).isEqualTo("RST-ACK");
        String text = l.text();
        assertThat(text).contains("|----------------- SYN seq 0 ------------------->|", "|<------------- SYN-ACK seq 0 ack 1 -------------|",
                "* connect() *");
        assertThat(l.svg()).startsWith("<svg").contains("data-flags=\"SYN\" data-direction=\"right\"", "marker-end=\"url(#head)\"");
    }

    @Test
    void anEmptyLadderSaysNoSegmentBetweenItsMarks() {
        Ladder l = Ladder.of("close", "client", CLIENT, 40000, "server", List.of(),
                List.of(new Ladder.Mark(at(0), "parent: close(connfd)"), new Ladder.Mark(at(1), "300 ms later")));
        assertThat(l.between("parent: close(connfd)", "300 ms later")).isEmpty();
        assertThat(l.text()).contains("* parent: close(connfd) *", "* 300 ms later *", "(no segment)");
    }

    @Test
    void theQueuesAreDrawnWithTheirLengths() {
        Queues q = new Queues("3 clients connected", 1, 3, 2);
        assertThat(q.text()).contains("incomplete (SYN_RCVD)    [#][ ][ ] 1", "completed  (ESTABLISHED) [#][#][#] 3");
        assertThat(q.svg()).contains("class=\"slot full completed\"").contains("backlog 2");
    }

    private static Packet tcp(int t, InetAddress src, int sport, InetAddress dst, int dport, long seq, long ack, int flags) {
        return new Packet(at(t), 1, false, 4, src, dst, 60, 64,
                new Segment.Tcp(sport, dport, seq, ack, flags, 65535, 0, List.of(), 0));
    }

    private static Instant at(int t) {
        return Instant.ofEpochSecond(1_700_000_000L, t * 1_000_000L);
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
