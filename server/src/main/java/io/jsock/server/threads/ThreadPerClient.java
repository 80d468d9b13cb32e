package io.jsock.server.threads;

import io.jsock.server.serving.Design;
import io.jsock.server.serving.Serving;
import io.jsock.socket.Accepted;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
 *
 * <p>A platform thread whose connection ended waits {@link #IDLE_SECONDS} for the next one before it
 * exits (a cached pool, as {@link Executors#newCachedThreadPool()}): each connection still has a
 * thread of its own while it lasts, but a new one mostly finds a thread waiting, handed over with one
 * wake-up, where starting a thread costs the accept thread its pthread_create and a wait for the new
 * thread's first run (and the thread's exit costs as much again). At the thread limit none waits:
 * each exits with its connection, as the JVM's own threads need the room too (until the limit is over).
 * Handlers that keep thread locals see them again on the thread's next connection, as under any executor.
 */
public final class ThreadPerClient implements Design {
    /** The longest wait between two tries to start a thread at the limit. */
    private static final long MAX_BACKOFF_MILLIS = 200;

    /** How long a platform thread whose connection ended waits for the next before it exits. */
    static final long IDLE_SECONDS = 10;

    /** The connections' threads: a cached pool of platform threads, or a new virtual thread per connection. */
    private final ExecutorService threads;
    /** {@code threads} when they are platform threads, else null: at the thread limit its threads do not wait. */
    private final ThreadPoolExecutor cached;
    private Thread acceptor;
    private Serving serving;
    private Backlog backlog;
    /** How long threads must start at once after the last failure before the limit is over: thread exits take time to free their task. */
    private static final long CALM_NANOS = 5_000_000_000L;

    // The accept thread's: said "at the thread limit" and not yet "below it again"; when a thread last failed to start.
    private boolean atLimit;
    private long lastFailure;

    private ThreadPerClient(Thread.Builder perClient, boolean platform) {
        this.cached = platform
                ? new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), perClient.factory())
                : null;
        this.threads = platform ? cached : Executors.newThreadPerTaskExecutor(perClient.factory());
    }

    /**
     * The design of {@code thread}.
     *
     * @return a design whose connection threads are platform threads {@code jsock-conn-<n>}, each
     *     serving one connection at a time and waiting a while for the next once it ended
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
        if (cached != null && serving.config.maxConnections() == 0) { // platform threads
            backlog = new Backlog(serving.listener());
            serving.acceptWith(backlog::next);
        }
        acceptor = Thread.ofPlatform().name("jsock-accept").start(() -> serving.acceptLoop(this::startThread));
    }

    /**
     * Hands the connection to a thread: a waiting one, or a new one. At the limit (OutOfMemoryError:
     * no thread can be made) it waits and tries again, until a thread takes it or the server stops
     * (then the error goes to the accept loop, which closes this connection). It logs one line when it
     * reaches the limit, and one when threads start at once again some seconds after the last failure
     * (not while each connection that ends makes room for one more).
     */
    private void startThread(Accepted accepted) {
        long backoffMillis = 0;
        while (true) {
            try {
                threads.execute(() -> serving.serve(accepted));
                if (atLimit && backoffMillis == 0 && System.nanoTime() - lastFailure > CALM_NANOS) {
                    atLimit = false;
                    if (cached != null) cached.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
                    serving.log(Level.WARNING, "below the thread limit again: new connections get a thread at once");
                }
                return;
            } catch (OutOfMemoryError e) {
                lastFailure = System.nanoTime();
                if (serving.stopping()) throw e;
                if (!atLimit) {
                    atLimit = true;
                    // A thread whose connection ended exits at once: waiting, it would hold what the JVM's own
                    // threads need (the one that handles SIGTERM), and the next connection starts its own.
                    if (cached != null) cached.setKeepAliveTime(0, TimeUnit.SECONDS);
                    serving.log(Level.WARNING, "at the thread limit with " + serving.liveCount() + " connections: " + e.getMessage()
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
        threads.shutdown(); // waiting threads end now, the others as their connection (forced by finish) ends
        threads.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS); // short: handlers were forced to end
    }
}
