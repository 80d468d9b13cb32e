package io.jsock.server;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A concurrency design and its size: how accepted connections get served. Written on the command
 * line as {@code iterative}, {@code process}, {@code thread}, {@code virtual}, {@code pool[:N]},
 * {@code prefork[:N]} or {@code epoll[:N]}.
 *
 * @param kind the design
 * @param n    threads (pool), processes (prefork) or event loops (epoll); 0 for the others
 */
public record Model(Kind kind, int n) {
    public enum Kind {
        /** One client at a time; the next waits in the kernel's completed queue (UNP 4.8). */
        ITERATIVE(false),
        /** A child process per client, spawned (fork+exec) with the socket as its stdin and stdout (UNP 4.8). */
        PROCESS(false),
        /** A platform thread per client (UNP 26). */
        THREAD(false),
        /** A virtual thread per client. */
        VIRTUAL(false),
        /** N threads, each blocking in accept on the shared listener (UNP 30.11). */
        POOL(true),
        /** N worker processes that inherit the listener and each run the accept loop (UNP 30.6). */
        PREFORK(true),
        /** N event loops over non-blocking sockets (epoll). */
        EPOLL(true);

        final boolean sized;

        Kind(boolean sized) {
            this.sized = sized;
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What {@link #parse} accepts, for messages. */
    public static final String FORMS = Arrays.stream(Kind.values())
            .map(k -> k.sized ? k.cliName() + "[:N]" : k.cliName())
            .collect(Collectors.joining(", "));

    public Model {
        if (kind.sized && n < 1) throw new IllegalArgumentException(kind.cliName() + " needs N >= 1, got " + n);
        if (!kind.sized && n != 0) throw new IllegalArgumentException(kind.cliName() + " takes no size");
    }

    public static final Model ITERATIVE = new Model(Kind.ITERATIVE, 0);
    public static final Model PROCESS = new Model(Kind.PROCESS, 0);
    public static final Model THREAD = new Model(Kind.THREAD, 0);
    public static final Model VIRTUAL = new Model(Kind.VIRTUAL, 0);

    public static Model pool(int n) {
        return new Model(Kind.POOL, n);
    }

    public static Model prefork(int n) {
        return new Model(Kind.PREFORK, n);
    }

    public static Model epoll(int n) {
        return new Model(Kind.EPOLL, n);
    }

    /** The size a sized model gets when none is written: pool 4 per core, prefork and epoll 1 per core. */
    static int defaultSize(Kind kind) {
        int cores = Runtime.getRuntime().availableProcessors();
        return kind == Kind.POOL ? 4 * cores : cores;
    }

    /** Parses {@code virtual}, {@code pool:8}, ...; bad text gets a message listing the accepted forms. */
    public static Model parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String name = t;
        String size = null;
        int colon = t.indexOf(':');
        if (colon >= 0) {
            name = t.substring(0, colon);
            size = t.substring(colon + 1);
        }
        for (Kind k : Kind.values()) {
            if (!k.cliName().equals(name)) continue;
            if (!k.sized) {
                if (size != null) throw new IllegalArgumentException("model " + name + " takes no size; expected one of " + FORMS);
                return new Model(k, 0);
            }
            if (size == null) return new Model(k, defaultSize(k));
            try {
                int n = Integer.parseInt(size);
                if (n >= 1 && n <= 4096) return new Model(k, n);
            } catch (NumberFormatException e) {
                // fall through to the message
            }
            throw new IllegalArgumentException("bad size in model '" + text + "': N must be a number from 1 to 4096");
        }
        throw new IllegalArgumentException("unknown model '" + text + "'; expected one of " + FORMS);
    }

    @Override
    public String toString() {
        return kind.sized ? kind.cliName() + ":" + n : kind.cliName();
    }
}
