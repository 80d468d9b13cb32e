package io.jsock.bench;

import io.jsock.socket.SockAddr;
import java.time.Duration;

/**
 * One load run: {@code connections} connections to {@code target} doing {@code mode} with
 * {@code size}-byte messages (for bulk: writes), on {@code threads} event-loop threads, measured
 * for {@code duration} after {@code warmup}; the warm-up starts once every connection has been
 * served once, or after {@code readyWait} at most.
 */
record LoadSpec(SockAddr target, Mode mode, int connections, int size, Duration warmup, Duration duration, int threads,
                Duration readyWait) {
    /** How long a run waits by default for every connection to be served once (a process per connection is slow to start). */
    static final Duration READY_WAIT = Duration.ofSeconds(60);

    LoadSpec(SockAddr target, Mode mode, int connections, int size, Duration warmup, Duration duration, int threads) {
        this(target, mode, connections, size, warmup, duration, threads, READY_WAIT);
    }

    LoadSpec {
        if (connections < 1) throw new IllegalArgumentException("connections must be at least 1, not " + connections);
        if (size < 1) throw new IllegalArgumentException("size must be at least 1 byte, not " + size);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }

    /** As many threads as there are cores, but never more than connections. */
    static int defaultThreads(int connections) {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), connections));
    }
}
