package io.jsock.server.threads;

import io.jsock.server.serving.Design;
import io.jsock.server.serving.Serving;
import io.jsock.socket.Accepted;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code thread} and {@code virtual}: one accept thread; each connection gets a new thread of its
 * own, a named platform thread (UNP 26.4) or a virtual thread.
 *
 * <p>With platform threads the accept thread is one runnable thread among thousands: a burst of
 * connections then overflowed the listen queue while it started a thread per connection, and each
 * dropped handshake cost its client a SYN retransmission (1 s, then 3 s, ...). So it takes every
 * connection the kernel has queued ({@link Backlog}) before starting each thread. And when no more
 * threads can be made (threads, pids or memory limit: the JVM's "unable to create native thread"),
 * it says so in one line, keeps the connection, and tries again as connections end, while the ones
 * it serves go on.
 */
public final class ThreadPerClient implements Design {
    /** The longest wait between two tries to start a thread at the limit. */
    private static final long MAX_BACKOFF_MILLIS = 200;

    private final Thread.Builder perClient;
    private final boolean platform;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private Thread acceptor;
    private Serving serving;
    private Backlog backlog;
    /** How long threads must start at once after the last failure before the limit is over: thread exits take time to free their task. */
    private static final long CALM_NANOS = 5_000_000_000L;

    // The accept thread's: said "at the thread limit" and not yet "below it again"; when a thread last failed to start.
    private boolean atLimit;
    private long lastFailure;

    private ThreadPerClient(Thread.Builder perClient, boolean platform) {
        this.perClient = perClient;
        this.platform = platform;
    }

    /**
     * The design of {@code thread}.
     *
     * @return a design whose connection threads are platform threads {@code jsock-conn-<n>}
     */
    public static ThreadPerClient platform() {
        return new ThreadPerClient(Thread.ofPlatform().name("jsock-conn-", 0), true);
    }

    /**
     * The design of {@code virtual} (and of a prefork worker serving a Java handler).
     *
     * @return a design whose connection threads are virtual threads {@code jsock-conn-<n>}
     */
    public static ThreadPerClient virtual() {
        return new ThreadPerClient(Thread.ofVirtual().name("jsock-conn-", 0), false);
    }

    @Override
    public void start(Serving serving) {
        this.serving = serving;
        // Not under a connection cap: a connection taken ahead holds no slot of the cap's.
        if (platform && serving.config.maxConnections() == 0) {
            backlog = new Backlog(serving.listener());
            serving.acceptWith(backlog::next);
        }
        acceptor = Thread.ofPlatform().name("jsock-accept").start(() -> serving.acceptLoop(this::startThread));
    }

    /**
     * Starts the connection's thread. At the limit (OutOfMemoryError: no thread can be made) it
     * waits and tries again, until a thread starts or the server stops (then the error goes to the
     * accept loop, which closes this connection). It logs one line when it reaches the limit, and
     * one when threads start at once again some seconds after the last failure (not while each
     * connection that ends makes room for one more).
     */
    private void startThread(Accepted accepted) {
        long backoffMillis = 0;
        while (true) {
            Thread t = perClient.unstarted(() -> {
                try {
                    serving.serve(accepted);
                } finally {
                    live.remove(Thread.currentThread());
                }
            });
            live.add(t);
            try {
                t.start();
                if (atLimit && backoffMillis == 0 && System.nanoTime() - lastFailure > CALM_NANOS) {
                    atLimit = false;
                    serving.log(Level.WARNING, "below the thread limit again: new connections get a thread at once");
                }
                return;
            } catch (OutOfMemoryError e) {
                live.remove(t);
                lastFailure = System.nanoTime();
                if (serving.stopping()) throw e;
                if (!atLimit) {
                    atLimit = true;
                    serving.log(Level.WARNING, "at the thread limit with " + live.size() + " connections: " + e.getMessage()
                            + "; new connections wait until one ends");
                }
                backoffMillis = Math.min(MAX_BACKOFF_MILLIS, Math.max(1, backoffMillis * 2));
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        serving.finish(deadline, List.of(acceptor));
        if (backlog != null) backlog.closeTaken(); // taken from the kernel, never served: the accept loop has ended
        for (Thread t : live) t.join(); // handlers were forced to end by finish: these joins are short
    }
}
