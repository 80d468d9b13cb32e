package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The log-bucket latency histogram: bucket arithmetic, percentiles within its 3% precision, merging. */
class HistogramTest {

    @Test
    void everyValueFallsInABucketWhoseTopIsAtLeastTheValueAndWithin3Percent() {
        Random r = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long v = r.nextInt(4) == 0 ? r.nextInt(200) : (long) Math.exp(r.nextDouble() * 40);
            long top = Histogram.highestIn(Histogram.index(v));
            assertThat(top).isGreaterThanOrEqualTo(v);
            assertThat((double) top).isLessThanOrEqualTo(v * 1.032 + 1);
        }
        assertThat(Histogram.index(Long.MAX_VALUE)).isEqualTo(Histogram.BUCKETS - 1);
    }

    @Test
    void bucketsAreContiguous() {
        for (int i = 0; i < Histogram.BUCKETS - 1; i++) {
            assertThat(Histogram.index(Histogram.highestIn(i))).isEqualTo(i);
            assertThat(Histogram.index(Histogram.highestIn(i) + 1)).isEqualTo(i + 1);
        }
        assertThat(Histogram.highestIn(Histogram.BUCKETS - 1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void percentilesOfAUniformSpreadAreWhereTheyShouldBe() {
        Histogram h = new Histogram();
        for (long v = 1; v <= 100_000; v++) h.record(v * 1000);
        assertThat(h.count()).isEqualTo(100_000);
        assertThat((double) h.percentile(50)).isCloseTo(50_000_000, within(50_000_000 * 0.035));
        assertThat((double) h.percentile(90)).isCloseTo(90_000_000, within(90_000_000 * 0.035));
        assertThat((double) h.percentile(99)).isCloseTo(99_000_000, within(99_000_000 * 0.035));
        assertThat((double) h.percentile(99.9)).isCloseTo(99_900_000, within(99_900_000 * 0.035));
        assertThat(h.percentile(100)).isEqualTo(100_000_000);
        assertThat(h.mean()).isCloseTo(50_000_500, within(1.0));
    }

    @Test
    void smallValuesAreExactAndAnEmptyHistogramSaysZero() {
        Histogram h = new Histogram();
        assertThat(h.percentile(99)).isZero();
        for (int i = 0; i < 10; i++) h.record(7);
        h.record(63);
        assertThat(h.percentile(50)).isEqualTo(7);
        assertThat(h.percentile(100)).isEqualTo(63);
        assertThat(h.max()).isEqualTo(63);
    }

    @Test
    void mergingAddsCountsAndKeepsTheMaximum() {
        Histogram a = new Histogram(), b = new Histogram();
        for (int i = 0; i < 90; i++) a.record(1_000);
        for (int i = 0; i < 10; i++) b.record(1_000_000);
        a.add(b);
        assertThat(a.count()).isEqualTo(100);
        assertThat(a.max()).isEqualTo(1_000_000);
        assertThat((double) a.percentile(90)).isCloseTo(1_000, within(35.0));
        assertThat((double) a.percentile(95)).isCloseTo(1_000_000, within(35_000.0));
    }
}
