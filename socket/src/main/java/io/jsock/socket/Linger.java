package io.jsock.socket;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct linger} (socket(7)): {@code l_onoff}, {@code l_linger} seconds. On with 0 seconds,
 * close discards unsent data and sends RST (UNP 7.5).
 *
 * @param on {@code l_onoff}: whether close lingers
 * @param seconds {@code l_linger}: how long close waits for unsent data to go, 0 or more
 */
public record Linger(boolean on, int seconds) {
    /** Off: close returns at once and the kernel sends what is left in the background (the default). */
    public static final Linger OFF = new Linger(false, 0);

    /**
     * On, with a time.
     *
     * @param seconds how long close waits for unsent data to go; 0 makes close send RST
     * @return the setting
     * @throws IllegalArgumentException if {@code seconds} is negative
     */
    public static Linger on(int seconds) {
        if (seconds < 0) throw new IllegalArgumentException("linger seconds must be >= 0: " + seconds);
        return new Linger(true, seconds);
    }

    static int l_onoff(MemorySegment s) { return s.get(JAVA_INT, 0); }
    static void l_onoff(MemorySegment s, int v) { s.set(JAVA_INT, 0, v); }
    static int l_linger(MemorySegment s) { return s.get(JAVA_INT, 4); }
    static void l_linger(MemorySegment s, int v) { s.set(JAVA_INT, 4, v); }

    static final SockOpt.Codec<Linger> CODEC = new SockOpt.Codec<>() {
        public Class<Linger> type() { return Linger.class; }
        public int size() { return 8; }
        public void encode(Linger v, MemorySegment s) { l_onoff(s, v.on ? 1 : 0); l_linger(s, v.seconds); }
        public Linger decode(MemorySegment s, int len) { return new Linger(l_onoff(s) != 0, l_linger(s)); }
    };
}
