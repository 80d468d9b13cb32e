package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The latency histogram as the bench makes it (HdrHistogram, 2 digits): percentiles within 1%, small values exact, merging. */
class HistogramTest {

    @Test
    void aPercentileIsNeverBelowTheTrueValueAndAtMostOnePercentAbove() {
        Random r = new Random(42);
        long[] values = new long[100_000];
        Histogram h = LoadResult.latencyHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextInt(4) == 0 ? r.nextInt(200) : (long) Math.exp(r.nextDouble() * 40);
            h.recordValue(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 10, 50, 90, 99, 99.9, 99.99, 100}) {
            long truth = values[(int) Math.ceil(p / 100 * values.length) - 1];
            assertThat(h.getValueAtPercentile(p)).as("p%s", p).isGreaterThanOrEqualTo(truth);
            assertThat((double) h.getValueAtPercentile(p)).as("p%s", p).isLessThanOrEqualTo(truth * 1.01 + 1);
        }
    }

    @Test
    void percentilesOfAUniformSpreadAreWhereTheyShouldBe() {
        Histogram h = LoadResult.latencyHistogram();
        for (long v = 1; v <= 100_000; v++) h.recordValue(v * 1000);
        assertThat(h.getTotalCount()).isEqualTo(100_000);
        assertThat((double) h.getValueAtPercentile(50)).isCloseTo(50_000_000, within(50_000_000 * 0.01));
        assertThat((double) h.getValueAtPercentile(90)).isCloseTo(90_000_000, within(90_000_000 * 0.01));
        assertThat((double) h.getValueAtPercentile(99)).isCloseTo(99_000_000, within(99_000_000 * 0.01));
        assertThat((double) h.getValueAtPercentile(99.9)).isCloseTo(99_900_000, within(99_900_000 * 0.01));
        assertThat((double) h.getValueAtPercentile(100)).isCloseTo(100_000_000, within(100_000_000 * 0.01));
    }

    @Test
    void smallValuesAreExactAndAnEmptyHistogramSaysZero() {
        Histogram h = LoadResult.latencyHistogram();
        assertThat(h.getValueAtPercentile(99)).isZero();
        for (int i = 0; i < 10; i++) h.recordValue(7);
        h.recordValue(63);
        assertThat(h.getValueAtPercentile(50)).isEqualTo(7);
        assertThat(h.getValueAtPercentile(100)).isEqualTo(63);
        assertThat(h.getMaxValue()).isEqualTo(63);
    }

    @Test
    void itGrowsToWhateverItRecords() {
        Histogram h = LoadResult.latencyHistogram();
        h.recordValue(1);
        h.recordValue(3_600_000_000_000L); // an hour, in nanoseconds
        assertThat((double) h.getValueAtPercentile(100)).isCloseTo(3.6e12, within(3.6e12 * 0.01));
    }

    @Test
    void mergingAddsCountsAndKeepsTheMaximum() {
        Histogram a = LoadResult.latencyHistogram(), b = LoadResult.latencyHistogram();
        for (int i = 0; i < 90; i++) a.recordValue(1_000);
        for (int i = 0; i < 10; i++) b.recordValue(1_000_000);
        a.add(b);
        assertThat(a.getTotalCount()).isEqualTo(100);
        assertThat((double) a.getMaxValue()).isCloseTo(1_000_000, within(10_000.0));
        assertThat((double) a.getValueAtPercentile(90)).isCloseTo(1_000, within(10.0));
        assertThat((double) a.getValueAtPercentile(95)).isCloseTo(1_000_000, within(10_000.0));
    }
}
