package io.jsock.lab;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The experiments, in the text's order, and the runner that gives each its own thread and time limit. */
public final class Lab {
    private Lab() {}

    /** How long one experiment may take. */
    public static final Duration LIMIT = Duration.ofSeconds(15);

    /**
     * The limit in force: {@link #LIMIT}, unless the system property {@code jsock.lab.limitSeconds}
     * says otherwise. The tests raise it, so that a machine loaded by others makes them slow, not
     * failed: they check what the kernel did, never how long it took.
     *
     * @return the time one experiment may take; never null
     * @throws NumberFormatException when the property is set but is not a whole number
     */
    public static Duration limit() {
        String s = System.getProperty("jsock.lab.limitSeconds");
        return s == null ? LIMIT : Duration.ofSeconds(Long.parseLong(s));
    }

    /**
     * Every experiment, in the order of the text's sections.
     *
     * @return new instances, one of each experiment; never null
     */
    public static List<Experiment> all() {
        return List.of(new Families(), new Bind(), new Handshake(), new ConnectErrors(), new ListenQueues(), new AcceptBlocks(),
                new IterativeVsConcurrent(), new ForkAndClose(), new CloseVsShutdown());
    }

    /**
     * The names, for messages: what {@code jsock lab} accepts.
     *
     * @return the names, comma-separated, in the text's order; never null
     */
    public static String names() {
        return all().stream().map(Experiment::name).collect(Collectors.joining(", "));
    }

    /**
     * The experiment called {@code name}.
     *
     * @param name a name from {@link #names()}; never null
     * @return a new instance of that experiment
     * @throws IllegalArgumentException when there is none, with a message listing the names
     */
    public static Experiment named(String name) {
        for (Experiment e : all()) if (e.name().equals(name)) return e;
        throw new IllegalArgumentException("no experiment '" + name + "'; the experiments are: " + names());
    }

    /**
     * Runs {@code e} on a thread of its own and waits at most {@link #limit()}. An exception, or
     * running over the limit (the thread is then interrupted), is an UNEXPECTED outcome saying so.
     *
     * @param e the experiment; never null
     * @return what it found; never null (a failure is an outcome, not an exception)
     */
    public static Outcome run(Experiment e) {
        Findings f = new Findings();
        Throwable[] failure = new Throwable[1];
        long start = System.nanoTime();
        Thread t = Thread.ofPlatform().name("jsock-lab-" + e.name()).daemon(true).unstarted(() -> {
            try {
                e.run(f);
            } catch (Throwable x) {
                failure[0] = x;
                if (System.getenv("JSOCK_LAB_TRACE") != null) x.printStackTrace(); // for whoever debugs an experiment
            }
        });
        t.start();
        Duration limit = limit();
        boolean finished = join(t, limit);
        if (!finished) {
            t.interrupt();
            join(t, Duration.ofSeconds(5)); // its clean-up runs in finally blocks
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (!finished) f.unexpected("did not finish within " + limit.toSeconds() + " s");
        else if (failure[0] != null) f.unexpected(describe(failure[0])); // written before the thread ended: visible after join
        return Outcome.of(e, f, millis);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        boolean expectedKind = t instanceof java.io.IOException || t instanceof IllegalStateException;
        return (expectedKind && m != null ? "" : t.getClass().getSimpleName() + ": ") + (m == null ? "" : m);
    }

    private static boolean join(Thread t, Duration limit) {
        try {
            return t.join(limit);
        } catch (InterruptedException ie) {
            t.interrupt();
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
