package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** echo, discard, daytime and chargen say what their RFCs say, over real loopback connections. */
class ServiceTest {

    static TcpServer serve(Service s, String model) throws Exception {
        return TcpServer.builder().bind("127.0.0.1:0").model(Model.parse(model)).handler(s)
                .grace(Duration.ofSeconds(2)).start();
    }

    static Socket connect(TcpServer server) throws Exception {
        Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        c.setTimeout(Duration.ofSeconds(30)); // a bound on every read: a broken server fails the test, never hangs it
        c.connect(server.localAddress());
        return c;
    }

    static byte[] readToEnd(Socket c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        for (int n; (n = c.read(b)) >= 0; ) out.write(b, 0, n);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"iterative", "thread", "virtual", "pool:2"})
    void echoSendsBackEveryByteInOrderThenEndsWhenTheClientDoes(String model) throws Exception {
        byte[] data = new byte[3 * Service.BUFFER + 17];
        new Random(862).nextBytes(data);
        try (TcpServer s = serve(Service.ECHO, model); Socket c = connect(s)) {
            Thread w = Thread.ofVirtual().start(() -> {
                try {
                    c.writeFully(data);
                    c.shutdown(Shutdown.WRITE);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThat(readToEnd(c)).isEqualTo(data);
            w.join();
        }
    }

    @Test
    void discardSendsNothingAndClosesAfterTheClientsFin() throws Exception {
        try (TcpServer s = serve(Service.DISCARD, "virtual"); Socket c = connect(s)) {
            c.writeFully(new byte[1 << 20]);
            c.shutdown(Shutdown.WRITE);
            assertThat(readToEnd(c)).isEmpty();
        }
    }

    @Test
    void daytimeSendsOneLineOfDateAndTimeThenCloses() throws Exception {
        ZonedDateTime before = ZonedDateTime.now().withNano(0);
        try (TcpServer s = serve(Service.DAYTIME, "virtual"); Socket c = connect(s)) {
            String line = new String(readToEnd(c), StandardCharsets.US_ASCII);
            assertThat(line).matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n");
            assertThat(line).contains(String.valueOf(before.getYear()));
        }
    }

    @Test
    void daytimeIsCtimesFormat() {
        ZonedDateTime t = ZonedDateTime.of(2026, 11, 5, 9, 3, 7, 0, ZoneOffset.UTC);
        assertThat(Service.daytime(t)).isEqualTo("Thu Nov  5 09:03:07 2026\r\n");
    }

    @Test
    void daytimeLineSurvivesAClientThatSendsFirst() throws Exception {
        try (TcpServer s = serve(Service.DAYTIME, "virtual"); Socket c = connect(s)) {
            c.writeFully("what time is it?\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(readToEnd(c), StandardCharsets.US_ASCII)).endsWith("\r\n");
        }
    }

    @Test
    void chargenLinesRotateThroughThe95PrintableCharacters() throws Exception {
        try (TcpServer s = serve(Service.CHARGEN, "virtual"); Socket c = connect(s)) {
            int lines = 95 * 3 + 7; // across the pattern's repetition
            byte[] got = new byte[lines * 74];
            c.readFully(got);
            for (int i = 0; i < lines; i++) {
                byte[] want = new byte[74];
                for (int k = 0; k < 72; k++) want[k] = (byte) (' ' + (i + k) % 95);
                want[72] = '\r';
                want[73] = '\n';
                assertThat(java.util.Arrays.copyOfRange(got, i * 74, i * 74 + 74)).as("line %d", i).isEqualTo(want);
            }
            assertThat(new String(got, 0, 74, StandardCharsets.US_ASCII))
                    .isEqualTo(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n"); // as inetd sends it: the ring starts at the space
        }
    }

    @Test
    void chargenReadsAndDropsWhatTheClientSendsAndStopsWhenItCloses() throws Exception {
        AtomicReference<String> closedLine = new AtomicReference<>();
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").handler(Service.CHARGEN)
                .log(l -> { if (l.contains("closed")) closedLine.set(l); }).start()) {
            try (Socket c = connect(s)) {
                // 8 MiB is far more than both socket buffers hold: it gets through only if the server reads it
                // while it writes, and this client reads nothing meanwhile.
                c.writeFully(new byte[8 << 20]);
                byte[] line = new byte[74];
                c.readFully(line);
                assertThat(line[0]).isEqualTo((byte) ' ');
            }
            for (int i = 0; i < 1000 && s.activeConnections() > 0; i++) Thread.sleep(10);
            assertThat(s.activeConnections()).isZero();
        }
        assertThat(closedLine.get()).contains("in 8388608 B");
    }

    @Test
    void parseTakesTheNameInAnyCaseAndListsTheServicesOtherwise() {
        assertThat(Service.parse("echo")).isEqualTo(Service.ECHO);
        assertThat(Service.parse("CHARGEN")).isEqualTo(Service.CHARGEN);
        assertThatThrownBy(() -> Service.parse("time"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown service 'time'; expected one of echo, discard, daytime, chargen");
    }
}
