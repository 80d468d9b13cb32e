package io.jsock.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.LogEvent;
import io.jsock.socket.SockAddr;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A prefork worker's events cross to the parent as one line each and come back whole. */
class WorkerLogTest {

    @Test
    void anEventComesBackWholeWithItsWorkerAndTheEscapedText() {
        LogEvent e = new LogEvent(Instant.ofEpochSecond(1_800_000_000L, 123_456_789), LogEvent.Event.CLOSED, 7,
                SockAddr.parse("127.0.0.1:41986"), SockAddr.parse("[::1]:9877"), 100_000, 26, Duration.ofNanos(33_500_000),
                "recv: tab\there, line\nthere, back\\slash", 0);
        String line = WorkerLog.encode(e);
        assertThat(line).doesNotContain("\n");
        assertThat(WorkerLog.decode(line, 4242)).isEqualTo(e.fromWorker(4242));
    }

    @Test
    void missingValuesStayMissingAndAForeignLineIsNoEvent() {
        LogEvent e = LogEvent.of(LogEvent.Event.INFO, null, null);
        assertThat(WorkerLog.decode(WorkerLog.encode(e), 1)).isEqualTo(e.fromWorker(1));
        assertThat(WorkerLog.decode("hello from a library that prints", 1)).isNull();
        assertThat(WorkerLog.decode("1\t2\tNOPE\t0\t\\N\t\\N\t-1\t-1\t\\N\t\\N", 1)).isNull();
    }
}
