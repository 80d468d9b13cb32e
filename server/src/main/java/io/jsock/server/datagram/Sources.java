package io.jsock.server.datagram;

import io.jsock.socket.SockAddr;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per source address (the IP address, whatever the port; a Unix sender's name): how many replies it
 * got in the current second, and when a line about it was last logged. A forged flood from many
 * addresses cannot grow the table without bound: past {@value #MAX_SOURCES} entries, those idle for a
 * whole log interval are forgotten.
 */
final class Sources {
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** At most one line per source per this interval, whatever it keeps sending. */
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final int MAX_SOURCES = 65_536;

    /** One source's state; guarded by itself. */
    private static final class Entry {
        long windowStart;
        int replies;
        long loggedAt;
        boolean logged;
        long lastSeen;
    }

    private final int ratePerSecond;
    private final ConcurrentHashMap<Object, Entry> entries = new ConcurrentHashMap<>();

    Sources(int ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    /** Whether {@code source} may have one more reply in this second; if so, it is counted. */
    boolean allowReply(SockAddr source, long now) {
        Entry e = entry(source, now);
        synchronized (e) {
            if (now - e.windowStart >= WINDOW_NANOS || e.replies == 0) {
                e.windowStart = now;
                e.replies = 0;
            }
            if (e.replies >= ratePerSecond) return false;
            e.replies++;
            return true;
        }
    }

    /** Whether a line about {@code source} is due: true the first time, then at most once per {@link #LOG_INTERVAL_NANOS}. */
    boolean logDue(SockAddr source, long now) {
        Entry e = entry(source, now);
        synchronized (e) {
            if (e.logged && now - e.loggedAt < LOG_INTERVAL_NANOS) return false;
            e.logged = true;
            e.loggedAt = now;
            return true;
        }
    }

    private Entry entry(SockAddr source, long now) {
        if (entries.size() >= MAX_SOURCES) forgetIdle(now);
        Entry e = entries.computeIfAbsent(key(source), k -> new Entry());
        synchronized (e) {
            e.lastSeen = now;
        }
        return e;
    }

    private void forgetIdle(long now) {
        entries.values().removeIf(e -> {
            synchronized (e) {
                return now - e.lastSeen >= LOG_INTERVAL_NANOS;
            }
        });
    }

    /** The address without the port: a source that changes ports is still one source. */
    private static Object key(SockAddr a) {
        return switch (a) {
            case SockAddr.Inet4 v4 -> v4.address();
            case SockAddr.Inet6 v6 -> v6.address();
            default -> a.toString();
        };
    }
}
