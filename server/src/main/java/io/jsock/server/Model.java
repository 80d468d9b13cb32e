package io.jsock.server;

import io.jsock.socket.Family;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A concurrency model and its size: how accepted connections get served. Written on the command
 * line as {@code iterative}, {@code process}, {@code thread}, {@code virtual}, {@code pool[:N]},
 * {@code prefork[:N]}, {@code epoll[:N]} or {@code uring[:N]}.
 *
 * <p>Each model is defined here once, as one of the variants nested in this class: its name on the
 * command line, one sentence saying what it does, whether it takes a size and which one by default,
 * and what it can run (a command per connection, event handlers, a listener per event loop). {@link
 * #parse}, {@link #all} and {@link #FORMS} are made from the variants; the command line's parser and
 * help, the bench's list of servers and the lab read them and keep no copies.
 *
 * <p>Adding a model is one variant here (and its line in {@link #all}), one design class in a package
 * of its own, and one case in {@code Designs}, where a switch over this sealed type builds each
 * model's design: the compiler refuses a variant that has no case there.
 *
 * <p>Instances are immutable values: two models are equal when they are the same variant with the
 * same size, and {@link #toString} is the command-line text ({@code pool:4}, {@code virtual}).
 */
public abstract sealed class Model {
    /** The largest size {@link #parse} accepts. */
    private static final int MAX_SIZE = 4096;

    private final String cliName;
    private final String description;
    private final int size; // 0 for a model without a size

    private Model(String cliName, String description, int size) {
        this.cliName = cliName;
        this.description = description;
        this.size = size;
    }

    /** One client at a time, served by the thread that accepted it; the next waits in the kernel's completed queue. */
    public static final Model ITERATIVE = new Iterative();

    /** A child process per client, the socket as its stdin and stdout. */
    public static final Model PROCESS = new ProcessPerClient();

    /** A platform thread per client. */
    public static final Model THREAD = new ThreadPerClient();

    /** A virtual thread per client: the builder's default. */
    public static final Model VIRTUAL = new VirtualThreadPerClient();

    /**
     * {@code pool:n}: n threads, each blocking in accept on the shared listener.
     *
     * @param n the number of threads
     * @return the model; never null
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Model pool(int n) {
        return new Pool(n);
    }

    /**
     * {@code prefork:n}: n worker processes that inherit the listener.
     *
     * @param n the number of worker processes
     * @return the model; never null
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Model prefork(int n) {
        return new Prefork(n);
    }

    /**
     * {@code epoll:n}: n event loops over non-blocking sockets.
     *
     * @param n the number of event loops
     * @return the model; never null
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Model epoll(int n) {
        return new Epoll(n);
    }

    /**
     * {@code uring:n}: n event loops over io_uring.
     *
     * @param n the number of event loops
     * @return the model; never null
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Model uring(int n) {
        return new Uring(n);
    }

    /**
     * Every model, one of each variant in the order the command line lists them; a sized one at its
     * {@link #defaultSize()}.
     *
     * @return an unmodifiable list; never null
     */
    public static List<Model> all() {
        return List.of(ITERATIVE, PROCESS, THREAD, VIRTUAL, defaultSized(new Pool(1)), defaultSized(new Prefork(1)),
                defaultSized(new Epoll(1)), defaultSized(new Uring(1)));
    }

    /** What {@link #parse} accepts, for messages and help: {@code iterative, process, ..., epoll[:N]}. */
    public static final String FORMS = all().stream().map(Model::form).collect(Collectors.joining(", "));

    /**
     * Parses the command-line form: a name ({@code virtual}, {@code pool}) in any case, with
     * {@code :N} for a sized model ({@code pool:8}); a sized model written without a size gets its
     * {@link #defaultSize()}.
     *
     * @param text the form, as on the command line; surrounding white space is ignored
     * @return the model; never null
     * @throws IllegalArgumentException if the name is unknown (the message lists {@link #FORMS}), a
     *     size is given to a model that takes none, or N is not a number (ASCII digits) from 1 to 4096
     *     (to 64 for prefork)
     * @throws NullPointerException if {@code text} is null
     */
    public static Model parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        String size = colon < 0 ? null : t.substring(colon + 1);
        for (Model m : all()) {
            if (!m.cliName.equals(name)) continue;
            if (size == null) return m;
            if (!m.sized()) throw new IllegalArgumentException("model " + name + " takes no size; expected one of " + FORMS);
            // ASCII digits only: Integer.parseInt also takes other scripts' digits ("pool:٣" would be pool:3)
            if (!size.isEmpty() && size.length() <= 9 && size.chars().allMatch(c -> c >= '0' && c <= '9')) {
                int n = Integer.parseInt(size);
                if (n >= 1 && n <= m.maxSize()) return m.withSize(n);
            }
            throw new IllegalArgumentException("bad size in model '" + text + "': N must be a number from 1 to " + m.maxSize()
                    + (m instanceof Prefork ? " (each worker is a JVM)" : ""));
        }
        throw new IllegalArgumentException("unknown model '" + text + "'; expected one of " + FORMS);
    }

    /**
     * The name on the command line, without a size.
     *
     * @return {@code iterative}, {@code pool}, ...; never null
     */
    public final String cliName() {
        return cliName;
    }

    /**
     * What the model does, in one sentence.
     *
     * @return the sentence; never null
     */
    public final String description() {
        return description;
    }

    /**
     * How many threads (pool), processes (prefork) or event loops (epoll, uring) it runs.
     *
     * @return the size, at least 1 for a sized model; 0 for the others
     */
    public final int size() {
        return size;
    }

    /**
     * Whether the model takes a size ({@code pool:N}).
     *
     * @return true for pool, prefork, epoll and uring
     */
    public final boolean sized() {
        return defaultSize() > 0;
    }

    /**
     * The size {@link #parse} gives a sized model written without one, from this machine's cores.
     *
     * @return the size (pool: 4 per core; prefork, epoll and uring: 1 per core); 0 for a model without a size
     */
    public int defaultSize() {
        return 0;
    }

    /**
     * How {@link #parse} accepts it, for messages and help.
     *
     * @return {@code virtual}, or {@code pool[:N]} for a sized model; never null
     */
    public final String form() {
        return sized() ? cliName + "[:N]" : cliName;
    }

    /**
     * Whether it can run a program per connection ({@link TcpServer.Builder#command}), inetd style.
     *
     * @return true for process and prefork
     */
    public boolean runsCommands() {
        return false;
    }

    /**
     * Whether it runs non-blocking {@link io.jsock.server.event.EventHandler}s ({@link
     * TcpServer.Builder#eventHandler}) rather than blocking {@link Handler}s.
     *
     * @return true for epoll and uring
     */
    public boolean runsEventHandlers() {
        return false;
    }

    /**
     * Whether each of its event loops listens on a socket of its own (SO_REUSEPORT, the kernel
     * spreading connections over them) rather than sharing one listener (EPOLLEXCLUSIVE).
     *
     * @param family         the listener's address family ({@link Family#LOCAL} has no SO_REUSEPORT)
     * @param maxConnections the server's connection cap (0: none); a cap needs one queue, served in order
     * @return true only for epoll and uring with more than one loop, on TCP, without a cap, unless the
     *     system property {@code jsock.epoll.listener} is {@code exclusive}
     */
    public boolean listenerPerLoop(Family family, int maxConnections) {
        return false;
    }

    /** The largest size {@link #parse} takes for this model. */
    int maxSize() {
        return MAX_SIZE;
    }

    /** The same variant of size {@code n} (1 to {@link #maxSize()}): only sized variants have one. */
    Model withSize(int n) {
        throw new IllegalArgumentException("model " + cliName + " takes no size");
    }

    private static Model defaultSized(Model m) {
        return m.withSize(m.defaultSize());
    }

    private static int checkSize(String name, int n) {
        if (n < 1) throw new IllegalArgumentException(name + " needs N >= 1, got " + n);
        return n;
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Equal when the same variant with the same size.
     *
     * @param o any object, or null
     * @return whether {@code o} is this model
     */
    @Override
    public final boolean equals(Object o) {
        return o instanceof Model m && m.getClass() == getClass() && m.size == size;
    }

    @Override
    public final int hashCode() {
        return 31 * cliName.hashCode() + size;
    }

    /**
     * The command-line text, which {@link #parse} reads back.
     *
     * @return {@code virtual}, {@code pool:4}, ...; never null
     */
    @Override
    public final String toString() {
        return sized() ? cliName + ":" + size : cliName;
    }

    /** {@code iterative}: UNP 4.8's iterative server. */
    public static final class Iterative extends Model {
        private Iterative() {
            super("iterative", "One client at a time; the next waits in the kernel's completed queue (UNP 4.8).", 0);
        }
    }

    /** {@code process}: UNP 4.8's fork loop, spawned (fork and exec) as a JVM must. */
    public static final class ProcessPerClient extends Model {
        private ProcessPerClient() {
            super("process", "A child process per client, spawned (fork+exec) with the socket as its stdin and stdout (UNP 4.8).", 0);
        }

        @Override
        public boolean runsCommands() {
            return true;
        }
    }

    /** {@code thread}: UNP 26's thread per client. */
    public static final class ThreadPerClient extends Model {
        private ThreadPerClient() {
            super("thread", "A platform thread per client (UNP 26).", 0);
        }
    }

    /** {@code virtual}: a virtual thread per client. */
    public static final class VirtualThreadPerClient extends Model {
        private VirtualThreadPerClient() {
            super("virtual", "A virtual thread per client.", 0);
        }
    }

    /** {@code pool:N}: UNP 30.11's prethreaded server. */
    public static final class Pool extends Model {
        private Pool(int n) {
            super("pool", "N threads, each blocking in accept on the shared listener (UNP 30.11).", checkSize("pool", n));
        }

        @Override
        public int defaultSize() {
            return 4 * cores();
        }

        @Override
        Model withSize(int n) {
            return new Pool(n);
        }
    }

    /** {@code prefork:N}: UNP 30.6's preforked server. */
    public static final class Prefork extends Model {
        private Prefork(int n) {
            super("prefork", "N worker processes that inherit the listener and each run the accept loop (UNP 30.6).",
                    checkSize("prefork", n));
        }

        @Override
        public int defaultSize() {
            return cores();
        }

        /** 64: each worker is a JVM (tens of MB and a JVM start); more than a few per core only compete. */
        @Override
        int maxSize() {
            return 64;
        }

        @Override
        public boolean runsCommands() {
            return true;
        }

        @Override
        Model withSize(int n) {
            return new Prefork(n);
        }
    }

    /**
     * What the event-loop models ({@code epoll:N}, {@code uring:N}) share: N loops (by default one
     * per core), each a platform thread running non-blocking {@link io.jsock.server.event.EventHandler}s,
     * and a listener per loop where the kernel can spread connections over them.
     */
    public abstract static sealed class EventLoop extends Model permits Epoll, Uring {
        private EventLoop(String cliName, String description, int n) {
            super(cliName, description, checkSize(cliName, n));
        }

        @Override
        public final int defaultSize() {
            return cores();
        }

        @Override
        public final boolean runsEventHandlers() {
            return true;
        }

        /** A listener per loop with SO_REUSEPORT, unless one queue is needed (a cap, a Unix socket) or asked for. */
        @Override
        public final boolean listenerPerLoop(Family family, int maxConnections) {
            return size() > 1 && family != Family.LOCAL && maxConnections == 0
                    && !"exclusive".equals(System.getProperty("jsock.epoll.listener"));
        }
    }

    /** {@code epoll:N}: event loops over non-blocking sockets. */
    public static final class Epoll extends EventLoop {
        private Epoll(int n) {
            super("epoll", "N event loops over non-blocking sockets (epoll).", n);
        }

        @Override
        Model withSize(int n) {
            return new Epoll(n);
        }
    }

    /** {@code uring:N}: event loops over io_uring, behind the same event handlers as epoll. */
    public static final class Uring extends EventLoop {
        private Uring(int n) {
            super("uring", "N event loops over io_uring: multishot accept and recv, completions reaped in batches.", n);
        }

        @Override
        Model withSize(int n) {
            return new Uring(n);
        }
    }
}
