package io.jsock.bench;

/**
 * A latency histogram with log-linear buckets (the idea of HdrHistogram, in a few lines): values
 * (nanoseconds) below 64 have a bucket each; above, every power of two is split into 32 equal
 * buckets, so a reported percentile is within about 3% of the true value. Recording is one array
 * increment; one histogram per thread, merged at the end. Not thread-safe.
 */
final class Histogram {
    private static final int SUB_BITS = 5;                 // 32 buckets per power of two
    private static final int SUB = 1 << SUB_BITS;
    private static final int LINEAR = SUB * 2;             // values 0..63 are exact
    static final int BUCKETS = LINEAR + (63 - SUB_BITS - 1) * SUB; // a positive long has its top bit at 62 at most

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;
    private double sum;

    /** Adds one value (negative values count as 0). */
    void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        sum += v;
        if (v > max) max = v;
    }

    static int index(long v) {
        if (v < LINEAR) return (int) v;
        int top = 63 - Long.numberOfLeadingZeros(v);         // v in [2^top, 2^(top+1)), top >= 6
        int sub = (int) (v >>> (top - SUB_BITS)) & (SUB - 1); // the next 5 bits below the top one
        return LINEAR + (top - SUB_BITS - 1) * SUB + sub;
    }

    /** The largest value that falls in bucket {@code i}. */
    static long highestIn(int i) {
        if (i < LINEAR) return i;
        int top = (i - LINEAR) / SUB + SUB_BITS + 1;
        long sub = (i - LINEAR) % SUB;
        long low = (1L << top) + (sub << (top - SUB_BITS));
        return low + (1L << (top - SUB_BITS)) - 1;
    }

    /** Adds every value of {@code other}. */
    void add(Histogram other) {
        for (int i = 0; i < BUCKETS; i++) counts[i] += other.counts[i];
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /**
     * The value at {@code percentile} (0 to 100): the top of the bucket holding that rank, capped
     * at the largest value seen; 0 when empty.
     */
    long percentile(double percentile) {
        if (total == 0) return 0;
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) return Math.min(highestIn(i), max);
        }
        return max;
    }
}
