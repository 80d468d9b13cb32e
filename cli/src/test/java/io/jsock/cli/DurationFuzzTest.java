package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes the duration and number options' text ({@link Durations}, {@link Integers}): see {@link FuzzText}. */
class DurationFuzzTest {
    private final Durations durations = new Durations();
    private final Integers integers = new Integers();

    @FuzzTest
    void durationsAndNumbers(byte[] input) throws Exception {
        String s = FuzzText.decode(input);
        try {
            assertThat(durations.convert(s).isNegative()).isFalse();
        } catch (Errors.BadValue refused) {
            FuzzText.assertClear(s, refused);
        }
        try {
            integers.convert(s);
        } catch (Errors.BadValue refused) {
            FuzzText.assertClear(s, refused);
        }
    }
}
