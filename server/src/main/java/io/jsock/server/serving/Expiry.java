package io.jsock.server.serving;

import io.jsock.socket.Family;
import io.jsock.socket.SockOpt;
import io.jsock.socket.TcpInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout and the deadline, decided the same way for every model: the deadline from the
 * connection's start, idleness from the kernel's own record of the connection (TCP_INFO's
 * {@code tcpi_last_data_recv} and {@code tcpi_last_data_sent}: milliseconds since a byte came in and
 * since one went out). The kernel's record sees what a handler, an event loop and a child process
 * do alike, so one sweep serves every model, the process model's children included; a write that
 * blocks on a client that does not read sends nothing, and counts as idle. A Unix socket has no
 * such record: only the deadline applies to it.
 */
final class Expiry {
    private final long idleMillis;    // 0: none
    private final long deadlineNanos; // 0: none
    private final String idleText, deadlineText;

    Expiry(Limits limits) {
        this.idleMillis = limits.idleTimeout() == null ? 0 : limits.idleTimeout().toMillis();
        this.deadlineNanos = limits.deadline() == null ? 0 : limits.deadline().toNanos();
        this.idleText = limits.idleTimeout() == null ? null : "idle timeout " + show(limits.idleTimeout());
        this.deadlineText = limits.deadline() == null ? null : "deadline " + show(limits.deadline());
    }

    /**
     * Why {@code c} must end now, or null.
     *
     * @param c   a live connection
     * @param now {@link System#nanoTime()}
     * @return {@code idle timeout 30s}, {@code deadline 5m}, or null
     */
    String due(LiveConnection c, long now) {
        long age = now - c.startNanos();
        if (deadlineNanos > 0 && age >= deadlineNanos) return deadlineText;
        if (idleMillis > 0 && TimeUnit.NANOSECONDS.toMillis(age) >= idleMillis && idleMillis(c) >= idleMillis) return idleText;
        return null;
    }

    /** Milliseconds since a byte last went either way; 0 when it cannot be known (a Unix socket, a closed one). */
    private static long idleMillis(LiveConnection c) {
        if (c.socket().family() == Family.LOCAL) return 0;
        try {
            TcpInfo info = c.socket().getOption(SockOpt.TCP_INFO);
            return Math.min(Integer.toUnsignedLong(info.lastDataRecv()), Integer.toUnsignedLong(info.lastDataSent()));
        } catch (IOException closed) {
            return 0; // closed meanwhile: its own end is under way
        }
    }

    /**
     * How often to look: a tenth of the shortest limit, from 10 ms to 1 s, so a connection ends at
     * most about a tenth late.
     *
     * @return the interval in milliseconds
     */
    long tickMillis() {
        long shortest = Long.MAX_VALUE;
        if (idleMillis > 0) shortest = idleMillis;
        if (deadlineNanos > 0) shortest = Math.min(shortest, TimeUnit.NANOSECONDS.toMillis(deadlineNanos));
        return Math.clamp(shortest / 10, 10, 1000);
    }

    /** {@code 30s}, {@code 500ms}, {@code 5m}: as the option was written. */
    static String show(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
