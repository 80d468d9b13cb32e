package io.jsock.bench;

import java.util.Locale;

/** What the load generator does on each connection. */
enum Mode {
    /** Request/response: send a message, wait for its echo, checked byte for byte; repeat. */
    RR("req/s"),
    /** Connect, one echo, close (both FINs seen): connections per second. */
    CRR("conn/s"),
    /** Open the connections, echo once on each, then hold them idle: memory and descriptors per connection. */
    IDLE("B/conn"),
    /** Stream one way as fast as the server takes it (the echo comes back and is checked): MB/s. */
    BULK("MB/s");

    /** The unit of this mode's main figure. */
    final String unit;

    Mode(String unit) {
        this.unit = unit;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Mode parse(String s) {
        for (Mode m : values()) if (m.label().equals(s.toLowerCase(Locale.ROOT))) return m;
        throw new IllegalArgumentException("unknown mode '" + s + "' (want rr, crr, idle or bulk)");
    }
}
