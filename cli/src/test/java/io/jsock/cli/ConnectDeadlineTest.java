package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The deadline connect's --timeout hands each connect(2): what is left of D since the start, never D again. */
class ConnectDeadlineTest {

    @Test
    void aConnectIsHandedWhatIsLeftSinceTheStartNotTheWholeTimeout() {
        ConnectDeadline d = ConnectDeadline.of(Duration.ofSeconds(10), Instant.now().minusSeconds(4));

        assertThat(d.left()).isLessThanOrEqualTo(Duration.ofSeconds(6)).isPositive();
        assertThat(d.passed()).isFalse();
    }

    @Test
    void oncePassedAConnectGetsOneTryAndNoFurtherAddressIsTried() {
        ConnectDeadline d = ConnectDeadline.of(Duration.ofSeconds(1), Instant.now().minusSeconds(5));

        assertThat(d.left()).isEqualTo(ConnectDeadline.LAST_TRY);
        assertThat(d.passed()).isTrue();
    }

    @Test
    void theStartIsThisProcesssStartNotTheCommandsFirstLine() {
        Instant start = ConnectDeadline.processStart();

        assertThat(start).isBefore(Instant.now());
        assertThat(ConnectDeadline.of(Duration.ofHours(1), start).left()).isLessThan(Duration.ofHours(1));
    }
}
