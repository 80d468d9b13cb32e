package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code jsock serve -v} and {@code --log-format json}: the lines' time stamps and fields, and byte counts
 * that are what the application sent and received, in every model and for a program run per connection,
 * also when the server's close comes before the client has taken (and acknowledged) the last bytes.
 */
class ServeLogTest {
    /** RFC 3339, UTC, milliseconds. */
    static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    static final int BULK = 100_000;

    @ParameterizedTest
    @ValueSource(strings = {"iterative", "thread", "virtual", "pool:2", "epoll:1", "process", "prefork:2"})
    void daytimeLogsTheTwentySixBytesItSentAsJson(String model) throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "daytime", "--bind", "127.0.0.1:0", "--model", model, "-v", "--log-format", "json")) {
            byte[] reply = exchange(s.address(), new byte[0], false);
            assertThat(reply).hasSize(26); // ctime's 24 characters, CR LF
            Map<String, Object> closed = json(s.awaitLine(l -> l.contains("\"event\":\"closed\"")));
            assertThat(closed).containsEntry("conn", 1).containsEntry("bytes_in", 0).containsEntry("bytes_out", 26)
                    .containsEntry("local", "127.0.0.1:" + s.port()).containsKeys("peer", "duration_ms");
            assertThat((String) closed.get("time")).matches(TIME);
            assertThat(json(s.awaitLine(l -> l.contains("\"event\":\"open\"")))).containsEntry("conn", 1)
                    .containsEntry("peer", closed.get("peer"));
            assertThat(json(s.awaitLine(l -> l.contains("\"event\":\"listening\"")))).containsEntry("event", "listening").containsEntry("local", "127.0.0.1:" + s.port());
            if (model.startsWith("prefork")) assertThat(closed).containsKey("worker");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
            assertThat(json(s.awaitLine(l -> l.contains("\"event\":\"stopping\"")))).extractingByKey("message").asString()
                    .startsWith("SIGTERM: stopping; ");
            assertThat(s.err).allSatisfy(line -> assertThat(json(line)).containsKeys("time", "event"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"iterative", "thread", "virtual", "pool:2", "epoll:1", "process", "prefork:2"})
    void aBulkEchoLogsEveryByteInAndOutEvenWhenItsCloseRacesTheAcks(String model) throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--model", model, "-v")) {
            byte[] payload = new byte[BULK];
            new Random(42).nextBytes(payload);
            assertThat(exchange(s.address(), payload, true)).isEqualTo(payload);
            String closed = s.awaitLine(l -> l.contains(" closed after "));
            String worker = model.startsWith("prefork") ? "worker \\d+: " : "";
            assertThat(closed).matches(TIME + " jsock: " + worker + "#1 127\\.0\\.0\\.1:\\d+ > 127\\.0\\.0\\.1:" + s.port()
                    + " closed after \\d+\\.\\d ms: in " + BULK + " B, out " + BULK + " B( \\(child \\d+ exit 0\\))?");
            assertThat(s.awaitLine(l -> l.contains(" listening on "))).matches(TIME + " jsock: listening on 127\\.0\\.0\\.1:" + s.port() + " .*");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void aProgramPerConnectionIsCountedFromTheKernelsCountsExactly() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "exec", "--bind", "127.0.0.1:0", "-v", "--log-format", "json",
                "--", "head", "-c", Integer.toString(BULK), "/dev/zero")) {
            // head writes and exits at once; the client's small window holds most of it back: unsent or unacked then
            assertThat(exchange(s.address(), new byte[0], true)).hasSize(BULK);
            Map<String, Object> closed = json(s.awaitLine(l -> l.contains("\"event\":\"closed\"")));
            assertThat(closed).containsEntry("bytes_in", 0).containsEntry("bytes_out", BULK);
            assertThat((String) closed.get("why")).matches("child \\d+ exit 0");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
        try (ServeProcess s = ServeProcess.start("serve", "exec", "--bind", "127.0.0.1:0", "-v", "--log-format", "json", "--", "cat")) {
            byte[] payload = new byte[BULK];
            new Random(43).nextBytes(payload);
            assertThat(exchange(s.address(), payload, true)).isEqualTo(payload);
            assertThat(json(s.awaitLine(l -> l.contains("\"event\":\"closed\"")))).containsEntry("bytes_in", BULK).containsEntry("bytes_out", BULK);
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    @Test
    void withoutVerboseTheListeningAndStoppingLinesStayAsTheyWere() throws Exception {
        try (ServeProcess s = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0")) {
            assertThat(s.err.get(0)).matches("listening on 127\\.0\\.0\\.1:\\d+ \\(model virtual, backlog 128\\)");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
            assertThat(s.err).anyMatch(l -> l.startsWith("jsock: SIGTERM: stopping; "));
        }
    }

    /**
     * Connects, sends {@code payload} from another thread then FIN, and reads until the server closes.
     * {@code smallWindow}: a 4 KiB receive buffer, so the server's last bytes are still unsent or
     * unacknowledged when its handler ends.
     */
    static byte[] exchange(SockAddr to, byte[] payload, boolean smallWindow) throws Exception {
        try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            if (smallWindow) c.setOption(SockOpt.SO_RCVBUF, 4096);
            c.connect(to, Duration.ofSeconds(10));
            c.setTimeout(Duration.ofSeconds(60));
            FutureTask<Void> send = new FutureTask<>(() -> {
                c.writeFully(payload);
                c.shutdown(Shutdown.WRITE);
                return null;
            });
            Thread sender = Thread.ofPlatform().name("test-sender").start(send);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            for (int n = c.read(b); n > 0; n = c.read(b)) got.write(b, 0, n);
            send.get(60, TimeUnit.SECONDS);
            sender.join(10_000);
            return got.toByteArray();
        }
    }

    static Map<String, Object> json(String line) {
        try {
            return JSON.std.mapFrom(line);
        } catch (IOException e) {
            throw new AssertionError("not one JSON object: " + line, e);
        }
    }
}
