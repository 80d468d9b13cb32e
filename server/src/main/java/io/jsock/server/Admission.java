package io.jsock.server;

import io.jsock.socket.SockAddr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which clients a server takes, decided once per accepted connection before any byte is read:
 * allow/deny rules on the source address, at most N connections at once per source, at most N new
 * connections per second per source. Built once and given to every server of a {@code serve} that
 * should share the counts ({@link TcpServer.Builder#admission}).
 *
 * <p><b>Rules.</b> The most specific rule decides: of the {@code --allow} and {@code --deny} blocks
 * that hold the address, the one with the longest prefix wins, deny on a tie (so the order of the
 * options does not matter, and {@code --allow 10.0.0.0/8 --deny 10.9.0.0/16} means what it says).
 * When no rule holds the address, it is refused if any {@code --allow} was given (an allow list),
 * else admitted.
 *
 * <p><b>Sources.</b> An IPv4 client is its address; an IPv6 client is its /64 (one host usually has
 * the whole /64, and could otherwise take a fresh address per connection). A Unix peer has no source
 * address: rules and limits do not apply to it.
 *
 * <p><b>Rate.</b> A token bucket per source: {@code n} tokens, refilled at {@code n} per second (or
 * per minute); each new connection takes one. Memory is bounded: at most {@value #MAX_SOURCES}
 * sources are remembered, the least recently seen forgotten first (forgetting one gives it a full
 * bucket again, the safe direction for a legitimate client).
 *
 * <p>Thread-safe: accept loops and event loops of several servers ask at once.
 */
public final class Admission {
    /** How many sources the rate buckets remember at most. */
    public static final int MAX_SOURCES = 65536;

    // Set by the builder; never change.
    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final int maxPerSource;   // 0: no limit
    private final int rate;           // tokens per period; 0: no limit
    private final long periodNanos;

    // Guarded by `this`: live connections per source, and the rate buckets.
    private final Map<Source, Integer> live = new HashMap<>();
    private final Map<Source, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Source, Bucket> eldest) {
            return size() > MAX_SOURCES; // bounded: the least recently seen source is forgotten
        }
    };

    private Admission(Builder b) {
        this.allow = List.copyOf(b.allow);
        this.deny = List.copyOf(b.deny);
        this.maxPerSource = b.maxPerSource;
        this.rate = b.rate;
        this.periodNanos = b.periodNanos;
    }

    /**
     * A builder with nothing limited.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the blocks whose clients are allowed} */
    public List<Cidr> allowed() {
        return allow;
    }

    /** {@return the blocks whose clients are refused} */
    public List<Cidr> denied() {
        return deny;
    }

    /** {@return connections at once per source; 0: no limit} */
    public int maxPerSource() {
        return maxPerSource;
    }

    /** {@return new connections per {@link #ratePeriodNanos()} per source; 0: no limit} */
    public int rate() {
        return rate;
    }

    /** {@return the rate's period in nanoseconds (a second or a minute)} */
    public long ratePeriodNanos() {
        return periodNanos;
    }

    /** {@return the rate as {@code --rate} writes it: {@code 5/s}, {@code 30/m}; null without one} */
    public String rateText() {
        return rate == 0 ? null : rate + (periodNanos == Builder.MINUTE ? "/m" : "/s");
    }

    /**
     * Whether nothing is limited: every client is admitted.
     *
     * @return true without rules and limits
     */
    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty() && maxPerSource == 0 && rate == 0;
    }

    /**
     * Decides on a connection just accepted from {@code peer}; when it is admitted, it is counted
     * against its source until {@link #release}. Called by the server, once per connection.
     *
     * @param peer the client's address (a Unix peer is always admitted)
     * @return null when admitted; else why not, for the log line ({@code deny 127.0.0.2/32},
     *     {@code max-per-ip 2 from 127.0.0.1}, {@code rate 5/s from 127.0.0.1})
     */
    public String admit(SockAddr peer) {
        byte[] a = Cidr.bytes(peer);
        if (a == null) return null; // a Unix peer: no source to limit
        String ruled = rules(peer);
        if (ruled != null) return ruled;
        if (maxPerSource == 0 && rate == 0) return null;
        Source s = Source.of(a);
        long now = System.nanoTime();
        synchronized (this) {
            if (maxPerSource > 0 && live.getOrDefault(s, 0) >= maxPerSource) {
                return "max-per-ip " + maxPerSource + " from " + s;
            }
            if (rate > 0 && !buckets.computeIfAbsent(s, k -> new Bucket(rate, now)).take(rate, periodNanos, now)) {
                return "rate " + rateText() + " from " + s;
            }
            if (maxPerSource > 0) live.merge(s, 1, Integer::sum);
        }
        return null;
    }

    /**
     * A connection {@link #admit} admitted has ended: its source may have another. Called by the
     * server, once per admitted connection.
     *
     * @param peer the same address given to {@link #admit}
     */
    public void release(SockAddr peer) {
        if (maxPerSource == 0) return;
        byte[] a = Cidr.bytes(peer);
        if (a == null) return;
        Source s = Source.of(a);
        synchronized (this) {
            live.computeIfPresent(s, (k, n) -> n <= 1 ? null : n - 1); // at 0 the entry goes: bounded by the live connections
        }
    }

    /**
     * The allow/deny rules alone, for a source that sends without connecting (a datagram): the per-source
     * connection limits do not apply to it.
     *
     * @param peer the sender's address (a Unix peer is always admitted)
     * @return null when the rules admit it; else the rule that refuses, as {@link #admit} words it
     */
    public String ruling(SockAddr peer) {
        return Cidr.bytes(peer) == null ? null : rules(peer);
    }

    /** The most specific rule's verdict: null to admit, or the rule that refuses. */
    private String rules(SockAddr peer) {
        if (allow.isEmpty() && deny.isEmpty()) return null;
        Cidr bestAllow = longest(allow, peer), bestDeny = longest(deny, peer);
        if (bestDeny != null && (bestAllow == null || bestDeny.prefix() >= bestAllow.prefix())) return "deny " + bestDeny;
        if (bestAllow != null) return null;
        return allow.isEmpty() ? null : "not in --allow " + allow.stream().map(Cidr::toString).reduce((x, y) -> x + "," + y).orElse("");
    }

    private static Cidr longest(List<Cidr> blocks, SockAddr peer) {
        Cidr best = null;
        for (Cidr c : blocks) {
            if (c.contains(peer) && (best == null || c.prefix() > best.prefix())) best = c;
        }
        return best;
    }

    /** Connections now counted against {@code peer}'s source (for tests and messages). */
    synchronized int liveFrom(SockAddr peer) {
        byte[] a = Cidr.bytes(peer);
        return a == null ? 0 : live.getOrDefault(Source.of(a), 0);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Cidr c : allow) parts.add("allow " + c);
        for (Cidr c : deny) parts.add("deny " + c);
        if (maxPerSource > 0) parts.add("max-per-ip " + maxPerSource);
        if (rate > 0) parts.add("rate " + rateText());
        return parts.isEmpty() ? "admit all" : String.join(", ", parts);
    }

    /** A source: an IPv4 address, or an IPv6 /64. */
    private record Source(Cidr block) {
        static Source of(byte[] a) {
            return new Source(new Cidr(a, a.length == 4 ? 32 : 64));
        }

        @Override
        public String toString() {
            return block.prefix() == 32 ? block.toString().substring(0, block.toString().indexOf('/')) : block.toString();
        }
    }

    /** A token bucket; guarded by the Admission's lock. */
    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.last = now;
        }

        /** Refills for the time since the last look, then takes a token if there is one. */
        boolean take(int capacity, long periodNanos, long now) {
            tokens = Math.min(capacity, tokens + (double) (now - last) * capacity / periodNanos);
            last = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }
    }

    /** Gathers the rules and limits; {@link #build} makes the (shared) admission. */
    public static final class Builder {
        static final long SECOND = 1_000_000_000L, MINUTE = 60 * SECOND;

        private final List<Cidr> allow = new ArrayList<>();
        private final List<Cidr> deny = new ArrayList<>();
        private int maxPerSource;
        private int rate;
        private long periodNanos = SECOND;

        private Builder() {}

        /**
         * Admits clients of this block (and, once any is given, only clients of allowed blocks).
         *
         * @param block the block
         * @return this builder
         */
        public Builder allow(Cidr block) {
            allow.add(Objects.requireNonNull(block));
            return this;
        }

        /**
         * Refuses clients of this block, unless a longer allowed block holds them.
         *
         * @param block the block
         * @return this builder
         */
        public Builder deny(Cidr block) {
            deny.add(Objects.requireNonNull(block));
            return this;
        }

        /**
         * At most {@code n} connections at once from one source (s6-tcpserver's {@code -C}).
         *
         * @param n the limit, 1 or more; 0: none
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is negative
         */
        public Builder maxPerSource(int n) {
            if (n < 0) throw new IllegalArgumentException("max per source must be >= 0: " + n);
            this.maxPerSource = n;
            return this;
        }

        /**
         * At most {@code text}'s number of new connections per second or minute from one source
         * (xinetd's {@code cps}).
         *
         * @param text {@code N/s} or {@code N/m}, N from 1 to 1000000
         * @return this builder
         * @throws IllegalArgumentException naming the accepted form
         */
        public Builder rate(String text) {
            var m = java.util.regex.Pattern.compile("(\\d{1,7})/(s|m)").matcher(text.strip());
            int n = m.matches() ? Integer.parseInt(m.group(1)) : 0;
            if (n < 1 || n > 1_000_000) {
                throw new IllegalArgumentException("bad rate '" + text + "'; expected N/s or N/m, N from 1 to 1000000 (e.g. 10/s)");
            }
            this.rate = n;
            this.periodNanos = m.group(2).equals("m") ? MINUTE : SECOND;
            return this;
        }

        /**
         * The admission, with counts of its own: give the same one to every server that shares them.
         *
         * @return the admission
         */
        public Admission build() {
            return new Admission(this);
        }
    }
}
