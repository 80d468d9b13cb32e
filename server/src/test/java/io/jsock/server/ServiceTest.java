package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
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
import org.junit.jupiter.params.provider.MethodSource;

/** echo, discard, daytime and chargen say what their RFCs say, over real loopback connections. */
class ServiceTest {

    static TcpServer serve(Service s, String model) throws Exception {
        return TcpServer.builder().bind("127.0.0.1:0").model(Model.parse(model)).handler(s)
                .grace(Duration.ofSeconds(2)).start();
    }

    static Socket connect(TcpServer server) throws Exception {
        return Clients.connect(server.localAddress());
    }

    static byte[] readToEnd(Socket c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        for (int n; (n = c.read(b)) >= 0; ) out.write(b, 0, n);
        return out.toByteArray();
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void echoSendsBackEveryByteInOrderThenEndsWhenTheClientDoes(String model) throws Exception {
        byte[] data = new byte[3 * Service.BUFFER + 17];
        new Random(862).nextBytes(data);
        try (TcpServer s = serve(Service.ECHO, model); Socket c = connect(s)) {
            assertThat(Clients.echo(c, data)).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void discardSendsNothingAndClosesAfterTheClientsFin(String model) throws Exception {
        try (TcpServer s = serve(Service.DISCARD, model); Socket c = connect(s)) {
            c.writeFully(new byte[1 << 20]);
            c.shutdown(Shutdown.WRITE);
            assertThat(readToEnd(c)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void daytimeSendsOneLineOfDateAndTimeThenCloses(String model) throws Exception {
        ZonedDateTime before = ZonedDateTime.now().withNano(0);
        try (TcpServer s = serve(Service.DAYTIME, model); Socket c = connect(s)) {
            String line = new String(readToEnd(c), StandardCharsets.US_ASCII);
            assertThat(line).matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n");
            assertThat(line).contains(String.valueOf(before.getYear()));
        }
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void timeSendsFourBytesOfSecondsSince1900ThenCloses(String model) throws Exception {
        long before = java.time.Instant.now().getEpochSecond() + 2_208_988_800L;
        try (TcpServer s = serve(Service.TIME, model); Socket c = connect(s)) {
            byte[] t = readToEnd(c);
            long after = java.time.Instant.now().getEpochSecond() + 2_208_988_800L;
            assertThat(t).hasSize(4);
            assertThat(ByteBuffer.wrap(t).getInt() & 0xFFFF_FFFFL).isBetween(before & 0xFFFF_FFFFL, after & 0xFFFF_FFFFL);
        }
    }

    @Test
    void daytimeIsCtimesFormat() {
        ZonedDateTime t = ZonedDateTime.of(2026, 11, 5, 9, 3, 7, 0, ZoneOffset.UTC);
        assertThat(Service.daytime(t)).isEqualTo("Thu Nov  5 09:03:07 2026\r\n");
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void daytimeLineSurvivesAClientThatSendsFirst(String model) throws Exception {
        try (TcpServer s = serve(Service.DAYTIME, model); Socket c = connect(s)) {
            c.writeFully("what time is it?\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(readToEnd(c), StandardCharsets.US_ASCII)).endsWith("\r\n");
        }
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void chargenLinesRotateThroughThe95PrintableCharacters(String model) throws Exception {
        try (TcpServer s = serve(Service.CHARGEN, model); Socket c = connect(s)) {
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

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void chargenReadsAndDropsWhatTheClientSendsAndStopsWhenItCloses(String model) throws Exception {
        AtomicReference<String> closedLine = new AtomicReference<>();
        // More than the largest send buffer plus the largest receive buffer the kernel may give the two
        // ends: the write completes only if the server reads while it writes (this client reads nothing meanwhile).
        long buffers = maxBuffer("tcp_rmem") + maxBuffer("tcp_wmem");
        int bytes = (int) (2 * buffers);
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.parse(model)).handler(Service.CHARGEN)
                .log(l -> { if (l.contains("closed")) closedLine.set(l); }).start()) {
            try (Socket c = connect(s)) {
                c.writeFully(new byte[bytes]);
                byte[] line = new byte[74];
                c.readFully(line);
                assertThat(line[0]).isEqualTo((byte) ' ');
            }
            Clients.waitFor(() -> s.activeConnections() == 0);
            assertThat(s.activeConnections()).as("the server stopped when the client closed").isZero();
        }
        if (model.startsWith("process") || model.startsWith("prefork")) return; // another JVM had the socket: no count here
        long in = Long.parseLong(closedLine.get().replaceAll(".*: in (\\d+) B.*", "$1"));
        assertThat(in).as("read by the server (what was in flight at the reset is lost)").isGreaterThan(bytes - buffers);
    }

    /** The third field of /proc/sys/net/ipv4/{tcp_rmem,tcp_wmem}: the most autotuning gives one socket. */
    static long maxBuffer(String name) throws java.io.IOException {
        // Files.readString gives only "4" here: it reads sysctl files in a way they answer in one byte.
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("/proc/sys/net/ipv4", name))) {
            String[] f = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
            return Long.parseLong(f[2]);
        }
    }

    @Test
    void parseTakesTheNameInAnyCaseAndListsTheServicesOtherwise() {
        assertThat(Service.parse("echo")).isEqualTo(Service.ECHO);
        assertThat(Service.parse("CHARGEN")).isEqualTo(Service.CHARGEN);
        assertThat(Service.parse(" Time ")).isEqualTo(Service.TIME);
        assertThatThrownBy(() -> Service.parse("qotd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown service 'qotd'; expected one of echo, discard, daytime, chargen, time");
    }
}
