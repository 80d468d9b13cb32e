package io.jsock.cli;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code connect --timeout D} as one deadline: D counted from the start of the process (as
 * {@code timeout(1)} counts from its exec), so the JVM's start, name resolution and every address
 * tried come out of the same D. Each connect(2) is handed what is left, not D again: before, a
 * command given {@code --timeout 1s} ran for 1.1 to 1.4 s under load (the JVM's start and the
 * resolution came on top), and a name with two silent addresses waited 2 s.
 */
final class ConnectDeadline {
    /** What a connect is handed once the deadline has passed: one try, as for an address that answers at once. */
    static final Duration LAST_TRY = Duration.ofMillis(1);

    private final long deadline; // System.nanoTime's scale

    private ConnectDeadline(long deadline) {
        this.deadline = deadline;
    }

    /** {@code limit} from {@code start}, a moment in the past (the process's start). */
    static ConnectDeadline of(Duration limit, Instant start) {
        long age = Math.max(0, Duration.between(start, Instant.now()).toNanos());
        return new ConnectDeadline(System.nanoTime() - age + limit.toNanos());
    }

    /** This process's start (from the kernel: {@code /proc/self/stat}); now if unknown. */
    static Instant processStart() {
        return ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    }

    /** The time left for the next connect: at least {@link #LAST_TRY}. */
    Duration left() {
        long left = deadline - System.nanoTime();
        return left < LAST_TRY.toNanos() ? LAST_TRY : Duration.ofNanos(left);
    }

    /** Whether the deadline has passed (the next address is not tried then). */
    boolean passed() {
        return deadline - System.nanoTime() <= 0;
    }
}
