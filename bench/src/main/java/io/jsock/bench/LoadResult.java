package io.jsock.bench;

import org.HdrHistogram.Histogram;

/**
 * What one load run measured. {@code ops}: echoes (rr), connections (crr) or bytes (bulk) completed
 * in the measured {@code seconds}; {@code serverCpuNanos}: user+system of the server's process
 * tree over the same window, {@code serverParentCpuNanos} the part of it the server process spent
 * itself (the rest is its children's: {@link ProcessTree#split}), {@code clientCpuNanos} the
 * generator's own (each -1 when unknown);
 * for idle, {@code rssPerConnection} and {@code fdsPerConnection}.
 */
record LoadResult(Mode mode, int connections, long ops, long bytes, double seconds, Histogram latency,
                  long errors, String firstError, long serverCpuNanos, long serverParentCpuNanos, long clientCpuNanos, double rssPerConnection,
                  double fdsPerConnection) {

    /** The main figure: ops per second, MB/s for bulk, bytes per connection for idle. */
    double rate() {
        return switch (mode) {
            case BULK -> seconds == 0 ? 0 : bytes / seconds / 1e6;
            case IDLE -> rssPerConnection;
            default -> seconds == 0 ? 0 : ops / seconds;
        };
    }

    /** Server CPU microseconds per operation (per MB for bulk); NaN when nothing was done. */
    double cpuMicrosPerOp() {
        double units = mode == Mode.BULK ? bytes / 1e6 : ops;
        return units == 0 || serverCpuNanos < 0 ? Double.NaN : serverCpuNanos / 1e3 / units;
    }

    /** Of {@link #cpuMicrosPerOp}, what the server process spent itself (its threads: accepting, spawning, reaping). */
    double parentCpuMicrosPerOp() {
        return perOp(serverParentCpuNanos);
    }

    /** Of {@link #cpuMicrosPerOp}, what the server's children spent (reaped ones and live descendants). */
    double childrenCpuMicrosPerOp() {
        return serverCpuNanos < 0 || serverParentCpuNanos < 0 ? Double.NaN : perOp(serverCpuNanos - serverParentCpuNanos);
    }

    private double perOp(long nanos) {
        double units = mode == Mode.BULK ? bytes / 1e6 : ops;
        return units == 0 || nanos < 0 ? Double.NaN : nanos / 1e3 / units;
    }

    /** The generator's own CPU microseconds per operation (per MB for bulk). */
    double clientCpuMicrosPerOp() {
        double units = mode == Mode.BULK ? bytes / 1e6 : ops;
        return units == 0 || clientCpuNanos < 0 ? Double.NaN : clientCpuNanos / 1e3 / units;
    }

    /** Latency percentile in microseconds (0 when nothing was measured). */
    double latencyMicros(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1e3;
    }

    /**
     * An empty latency histogram, in nanoseconds: HdrHistogram with two significant digits (a
     * percentile is the top of its bucket, at most 1% above the true value), growing to whatever
     * it records. Recording is a few array operations; one per thread, merged with {@code add}.
     */
    static Histogram latencyHistogram() {
        return new Histogram(2);
    }
}
