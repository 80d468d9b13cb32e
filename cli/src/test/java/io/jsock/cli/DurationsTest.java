package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line's durations: the forms accepted, 0 for none, and what a bad one says. */
class DurationsTest {
    private final Durations d = new Durations();

    @Test
    void takesMillisecondsSecondsAndMinutesWithFractions() {
        assertThat(d.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(d.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.convert("1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(d.convert(" 2m ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.convert("0")).isEqualTo(Duration.ZERO);
        assertThat(d.convert("1h")).isEqualTo(Duration.ofHours(1)); // the range says "to 24h": hours are a unit too
        assertThat(d.convert("24h")).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void aBadDurationSaysWhatIsAccepted() {
        assertThatThrownBy(() -> d.convert("soon")).isInstanceOf(Durations.BadDuration.class)
                .hasMessage("expected a number with a unit: 500ms, 5s, 1.5s, 2m, 1h");
        assertThatThrownBy(() -> d.convert("5")).isInstanceOf(Durations.BadDuration.class);
        assertThatThrownBy(() -> d.convert("0s")).hasMessage("expected from 1ms to 24h, e.g. a number with a unit: 500ms, 5s, 1.5s, 2m, 1h");
        assertThatThrownBy(() -> d.convert("25h")).isInstanceOf(Durations.BadDuration.class);
        assertThatThrownBy(() -> d.convert("٣s")).isInstanceOf(Durations.BadDuration.class); // ASCII digits only
        assertThatThrownBy(() -> d.convert("1441m")).hasMessageStartingWith("expected from 1ms to 24h");
    }

    @Test
    void theCommandLineNamesTheOptionInOneLine() throws Exception {
        CliRun r = CliRun.connect("", "127.0.0.1:9", "--timeout", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("jsock: bad --timeout '0'; expected a number with a unit: 500ms, 5s, 1.5s, 2m, 1h\n");
    }
}
