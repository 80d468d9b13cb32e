package io.jsock.server.process;

import io.jsock.server.serving.ServerConfig;
import io.jsock.server.serving.Serving;

import io.jsock.server.serving.Design;

import io.jsock.socket.Family;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.process.ChildProcess;
import io.jsock.socket.process.ExitStatus;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code prefork:N}: N worker processes (UNP 30.6), each a JVM ({@link PreforkWorker}) that inherits
 * the listener at descriptor 3 and runs the accept loop on it; the parent only watches them. The
 * kernel hands each connection to one worker, and waiting with EPOLLEXCLUSIVE keeps the others
 * asleep (no thundering herd; see {@link io.jsock.server.serving.ExclusiveAccept}). A worker that dies is replaced (after a
 * pause when it died young, so a worker that cannot start does not spin). Shutdown: the listener is
 * closed here, the workers get SIGTERM (each stops accepting and lets its connections finish within
 * the grace period), and those still there after the grace period and a short wait get SIGKILL.
 *
 * <p>Each worker leads a session of its own; the children it spawns stay in it. When a worker dies
 * without ending them (SIGKILL, a crash), every process left in its session is killed, so no child
 * of a dead worker goes on serving its client as an orphan. Both the workers and their children are
 * spawned to die with their parent ({@link ChildProcess.Builder#dieWithParent()}): a server killed
 * with SIGKILL takes its workers with it, and they their children.
 */
public final class Preforked implements Design {
    /** How long past the grace period the workers get to wind down before SIGKILL. */
    public static final long KILL_AFTER_MILLIS = 2000;
    /** A worker that died sooner than this after its start is replaced after this pause. */
    public static final long YOUNG_MILLIS = 1000;
    /** How long {@link #start} waits at most for the first workers to accept (a JVM starts in well under this). */
    public static final long READY_WAIT_MILLIS = 60_000;

    // For tests: where workers write their wake-up counts, and whether to leave EPOLLEXCLUSIVE out.
    /** For tests: the directory where each worker writes its wake-up counts at exit, or null. */
    public static volatile Path statsDir;
    /** For tests: whether workers wait without EPOLLEXCLUSIVE, to show the herd it prevents. */
    public static volatile boolean herd;

    private final int n;

    // Set by start; never change after.
    private Serving serving;
    private List<String> argv;

    // Workers alive, each with the end of its exit's handling (its line logged, its place freed);
    // added under `this` with `stopping`, so stop() sees every worker there will be.
    private final Map<ChildProcess, CompletableFuture<Void>> workers = new ConcurrentHashMap<>();
    private boolean stopping;

    /**
     * The design of {@code prefork:n}.
     *
     * @param n the number of worker processes
     */
    public Preforked(int n) {
        this.n = n;
    }

    @Override
    public void start(Serving serving) throws IOException {
        this.serving = serving;
        ServerConfig config = serving.config;
        if (config.command() != null) {
            ChildProcess.locate(config.command().get(0)); // a missing program fails start(), not every connection
        } else {
            AotCache.INSTANCE.ensure(ChildJvm.handlerSpec(config.handler()));
        }
        List<String> a = new ArrayList<>(ChildJvm.flags());
        a.add("-XX:TieredStopAtLevel=4"); // a worker lives long: let C2 compile it, at the usual thresholds
        a.add("-XX:CompileThresholdScaling=1");
        a.add("-Xmx256m");
        a.add(ChildMain.class.getName());
        a.add("worker");
        a.addAll(PreforkWorker.arguments(config, n, statsDir, herd));
        argv = List.copyOf(a);
        boolean success = false;
        try {
            List<CompletableFuture<Boolean>> accepting = new ArrayList<>();
            for (int i = 0; i < n; i++) accepting.add(spawnWorker());
            awaitAccepting(accepting);
            success = true;
        } finally {
            if (!success) {
                try {
                    stop(System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Starts one worker with the listener at its descriptor 3 and the ready socket at 4.
     *
     * @return completes with true when the worker accepts, false when it exited before (or was not started: stopping)
     */
    private CompletableFuture<Boolean> spawnWorker() throws IOException {
        CompletableFuture<Boolean> accepting = new CompletableFuture<>();
        synchronized (this) {
            if (stopping) {
                accepting.complete(false);
                return accepting;
            }
            // The server's terminal is none of a worker's business; with a log, its standard output carries its events.
            Socket[] events = serving.config.log() == null ? null : Socket.pair(Family.LOCAL, SocketType.STREAM);
            Socket[] ready = null; // [0] ours, [1] the worker's: one byte on it says the worker accepts
            ChildProcess w;
            try {
                ready = Socket.pair(Family.LOCAL, SocketType.STREAM);
                ChildProcess.Builder b = ChildProcess.builder(argv).devNull(0).session() // its children stay in its session
                        .dieWithParent(); // and it dies with the server, SIGKILL included; its children die with it
                if (events == null) {
                    b.devNull(1);
                } else {
                    events[1].setBlockingForChild(true); // the worker writes with blocking I/O
                    b.descriptor(1, events[1]);
                }
                w = b.descriptor(PreforkWorker.LISTENER_FD, serving.listener()).descriptor(PreforkWorker.READY_FD, ready[1]).start();
            } catch (IOException | RuntimeException e) {
                if (events != null) events[0].close();
                if (ready != null) ready[0].close();
                throw e;
            } finally {
                if (events != null) events[1].close(); // the worker's end: its exit ends our reading
                if (ready != null) ready[1].close();
            }
            long born = System.nanoTime();
            log("worker " + w.pid() + " started");
            // Its byte says it accepts; end of file (its exit closed its end) says it never will.
            Socket ours = ready[0];
            Thread.ofVirtual().name("jsock-prefork-ready-" + w.pid()).start(() -> {
                try (ours) {
                    accepting.complete(ours.read(new byte[1]) == 1);
                } catch (IOException e) {
                    accepting.complete(false);
                }
            });
            // The exit is handled once its events are all read: its last connections' lines come before its own.
            CompletableFuture<Void> read = new CompletableFuture<>();
            if (events == null) {
                read.complete(null);
            } else {
                Thread.ofVirtual().name("jsock-prefork-log-" + w.pid()).start(() -> {
                    try {
                        WorkerLog.forward(events[0], w.pid(), serving.config.log());
                    } finally {
                        read.complete(null);
                    }
                });
            }
            CompletableFuture<Void> handled = read.thenCombine(w.onExit(), (done, status) -> status)
                    .thenAccept(status -> exited(w, status, born));
            workers.put(w, handled);
            if (handled.isDone()) workers.remove(w); // it died at once, and exited() ran before the put
        }
        return accepting;
    }

    /** Waits (at most {@value #READY_WAIT_MILLIS} ms) until each first worker accepts or has died; says so when one has not. */
    private void awaitAccepting(List<CompletableFuture<Boolean>> accepting) throws IOException {
        try {
            if (!Children.await(accepting, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_WAIT_MILLIS))) {
                serving.log(Level.WARNING, "workers not accepting after " + READY_WAIT_MILLIS + " ms; going on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the prefork workers started");
        }
        long up = accepting.stream().filter(f -> f.getNow(false)).count();
        if (up < accepting.size()) serving.log(Level.WARNING, (accepting.size() - up) + " of " + accepting.size() + " workers exited before accepting");
    }

    /** The reaper saw a worker go: replace it unless we are stopping. */
    private void exited(ChildProcess w, ExitStatus status, long born) {
        workers.remove(w);
        List<Long> orphans = Sessions.kill(w.pid()); // what it left (it died without ending its children): nothing may outlive it
        if (!orphans.isEmpty()) serving.log(Level.WARNING, "worker " + w.pid() + " left " + orphans.size() + " process(es); killed " + orphans);
        synchronized (this) {
            if (stopping) {
                log("worker " + w.pid() + " " + status);
                return;
            }
        }
        long lived = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - born);
        serving.log(Level.WARNING, "worker " + w.pid() + " " + status + " after " + lived + " ms; replacing it");
        Thread.ofVirtual().name("jsock-prefork-respawn").start(() -> {
            try {
                if (lived < YOUNG_MILLIS) Thread.sleep(YOUNG_MILLIS);
                spawnWorker(); // it accepts when it can; nobody waits for that after the start
            } catch (IOException e) {
                serving.log(Level.ERROR, "cannot replace worker: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        synchronized (this) {
            stopping = true;
        }
        serving.markStopping();
        // No worker is added from now on (spawnWorker looks at stopping under the same lock): wait for these.
        // Waited for: each exit's handling, not the exit alone, so every worker's line is logged when stop returns.
        AotCache.INSTANCE.stopTraining(); // the AOT training child too: nothing outlives close()
        Children.signal(workers.keySet(), false, serving); // each worker: stop accepting, finish within the grace period, exit
        if (Children.await(workers.values(), deadline + TimeUnit.MILLISECONDS.toNanos(KILL_AFTER_MILLIS))) return;
        Children.signal(workers.keySet(), true, serving);
        if (!Children.await(workers.values(), System.nanoTime() + TimeUnit.SECONDS.toNanos(5))) {
            serving.log(Level.WARNING, "workers not reaped after SIGKILL: " + workers.keySet().stream().filter(ChildProcess::isAlive).toList());
        }
    }

    private void log(String line) {
        if (serving.config.log() != null) serving.log(Level.INFO, line);
    }
}
