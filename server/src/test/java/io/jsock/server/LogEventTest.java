package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server's log events: their text lines, and the bytes the application moved as a library user sees them. */
class LogEventTest {

    @Test
    void theTextLinesAreTheOnesTheServerAlwaysWrote() {
        SockAddr peer = SockAddr.parse("127.0.0.1:41986"), local = SockAddr.parse("127.0.0.1:39305");
        Instant t = Instant.EPOCH;
        assertThat(new LogEvent(t, LogEvent.Event.OPEN, 1, peer, local, -1, -1, null, null, 0).text())
                .isEqualTo("#1 127.0.0.1:41986 > 127.0.0.1:39305 open");
        assertThat(new LogEvent(t, LogEvent.Event.CLOSED, 1, peer, local, 3, 26, Duration.ofNanos(33_460_000), null, 0).text())
                .isEqualTo("#1 127.0.0.1:41986 > 127.0.0.1:39305 closed after 33.5 ms: in 3 B, out 26 B");
        assertThat(new LogEvent(t, LogEvent.Event.CLOSED, 2, peer, local, -1, -1, Duration.ofMillis(5), "child 7 exit 0", 9).text())
                .isEqualTo("worker 9: #2 127.0.0.1:41986 > 127.0.0.1:39305 closed after 5.0 ms (child 7 exit 0)");
        assertThat(LogEvent.of(LogEvent.Event.WARNING, null, "accept succeeds again").text()).isEqualTo("accept succeeds again");
        assertThat(LogEvent.Event.CLOSED.label()).isEqualTo("closed");
    }

    @Test
    void aClosedEventCountsWhatTheHandlerReadAndWroteInEveryInProcessModel() throws Exception {
        for (Model model : List.of(Model.ITERATIVE, Model.THREAD, Model.VIRTUAL, Model.parse("pool:2"), Model.epoll(1))) {
            List<LogEvent> events = new CopyOnWriteArrayList<>();
            try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(model).handler(Service.DAYTIME).events(events::add).start();
                    Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                c.connect(s.localAddress(), Duration.ofSeconds(10));
                c.shutdown(Shutdown.WRITE);
                assertThat(c.inputStream().readAllBytes()).hasSize(26);
                LogEvent closed = await(events, LogEvent.Event.CLOSED);
                assertThat(closed.bytesOut()).as("%s", model).isEqualTo(26);
                assertThat(closed.bytesIn()).as("%s", model).isZero();
                assertThat(closed.conn()).isEqualTo(1);
                assertThat(closed.local()).isEqualTo(s.localAddress());
                assertThat(closed.peer()).isEqualTo(c.getsockname());
                assertThat(events.getFirst().event()).isEqualTo(LogEvent.Event.OPEN);
            }
        }
    }

    private static LogEvent await(List<LogEvent> events, LogEvent.Event wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (LogEvent e : events) if (e.event() == wanted) return e;
            Thread.sleep(10);
        }
        throw new AssertionError("no " + wanted + " event in " + events);
    }
}
