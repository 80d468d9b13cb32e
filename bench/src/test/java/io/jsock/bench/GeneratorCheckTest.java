package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** --check's verdict: the median of per-pair ratios (not the ratio of medians) and Little's law at one connection. */
class GeneratorCheckTest {
    @Test
    void pairsHitByTheSameBurstStillAgree() {
        // Bursts of load from elsewhere halve both sides of pairs 2 and 4: the medians of each side differ by 1.35x
        // (the old check's figure), the pairs agree.
        double[] gen = {40_000, 20_000, 40_000, 20_000, 41_000};
        double[] plain = {40_000, 20_500, 39_000, 19_000, 40_000};
        GeneratorCheck.Verdict v = GeneratorCheck.judge(gen, plain, new double[] {1, 1, 1, 1, 1});
        assertThat(v.pairedRatio()).isBetween(1.0, 1.03);
        assertThat(v.agrees()).isTrue();
        assertThat(v.passed()).isTrue();
    }

    @Test
    void aGeneratorThatCountsTooManyIsCaught() {
        double[] gen = {54_000, 54_000, 53_000};
        double[] plain = {40_000, 40_000, 40_000};
        GeneratorCheck.Verdict v = GeneratorCheck.judge(gen, plain, new double[] {1.35, 1.35, 1.32});
        assertThat(v.pairedRatio()).isEqualTo(1.35);
        assertThat(v.agrees()).isFalse();
        assertThat(v.consistent()).isFalse();
        assertThat(v.passed()).isFalse();
    }

    @Test
    void rateAndLatencyThatDoNotDescribeTheSameEchoesFail() {
        double[] same = {40_000, 40_000, 40_000};
        GeneratorCheck.Verdict v = GeneratorCheck.judge(same, same, new double[] {0.8, 0.85, 0.8});
        assertThat(v.agrees()).isTrue();
        assertThat(v.consistent()).isFalse();
        assertThat(v.passed()).isFalse();
    }

    @Test
    void aClientThatGotNothingMakesTheRatioInfinite() {
        GeneratorCheck.Verdict v = GeneratorCheck.judge(new double[] {1000}, new double[] {0}, new double[] {1});
        assertThat(v.pairedRatio()).isInfinite();
        assertThat(v.passed()).isFalse();
    }

    @Test
    void unequalSeriesAreRefused() {
        assertThatThrownBy(() -> GeneratorCheck.judge(new double[] {1}, new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
