package io.jsock.server.event.loop;

import io.jsock.server.serving.Arrivals;
import io.jsock.server.serving.Serving;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * An event loop's timers, looked at once per turn: the sweep of its connections for their idle
 * timeout and deadline (every {@link io.jsock.server.serving.Limiter#sweepMillis}: no timer per connection, one look at each
 * a few times per shortest limit) and the PROXY header deadlines of its {@link Arrivals}. The loop
 * waits (epoll_wait's timeout, io_uring_enter's) no longer than until the next of them. The loop's
 * thread only.
 */
final class LoopTimers {
    // Set at construction; never change.
    private final long sweepNanos; // -1: nothing timed
    private final Arrivals arrivals;

    // The loop's thread only.
    private long nextSweep = System.nanoTime();

    /**
     * The timers of one loop.
     *
     * @param serving  the server, whose limits say how often to sweep
     * @param arrivals the loop's connections waiting for a PROXY header
     */
    LoopTimers(Serving serving, Arrivals arrivals) {
        long every = serving.limiter().sweepMillis();
        this.sweepNanos = every < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(every);
        this.arrivals = arrivals;
    }

    /**
     * Runs what is due now.
     *
     * @param sweep called with {@link System#nanoTime()} when the loop's connections are to be looked at
     *     ({@link io.jsock.server.serving.Limiter#expired} for each)
     * @return nanoseconds until the next timer; -1 when none
     */
    long run(LongConsumer sweep) {
        long now = System.nanoTime();
        long next = arrivals.expire(now);
        if (sweepNanos < 0) return next;
        if (now - nextSweep >= 0) {
            sweep.accept(now);
            nextSweep = now + sweepNanos;
        }
        long untilSweep = nextSweep - now;
        return next < 0 ? untilSweep : Math.min(next, untilSweep);
    }

    /**
     * A wait shortened to the next timer.
     *
     * @param waitNanos how long the loop would wait otherwise; -1: without a limit
     * @param timerNanos what {@link #run} returned
     * @return the shorter of the two (-1 when both are unlimited)
     */
    static long shorter(long waitNanos, long timerNanos) {
        if (timerNanos < 0) return waitNanos;
        return waitNanos < 0 ? timerNanos : Math.min(waitNanos, timerNanos);
    }
}
