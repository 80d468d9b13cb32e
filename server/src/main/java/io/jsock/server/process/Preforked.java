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
 */
public final class Preforked implements Design {
    /** How long past the grace period the workers get to wind down before SIGKILL. */
    public static final long KILL_AFTER_MILLIS = 2000;
    /** A worker that died sooner than this after its start is replaced after this pause. */
    public static final long YOUNG_MILLIS = 1000;

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
        List<Socket> ready = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) ready.add(spawnWorker(true));
            awaitAccepting(ready);
            success = true;
        } finally {
            ready.forEach(r -> { if (r != null) r.close(); });
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
     * Returns when every first worker accepts (each says so with a byte on its ready socket) or has died
     * (end of file: it is replaced as any dead worker is), so that "listening" is said only then;
     * bounded by a minute (a JVM start on a loaded machine).
     */
    private static void awaitAccepting(List<Socket> ready) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (Socket r : ready) {
            if (r == null) continue; // not spawned: stopping
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            r.setTimeout(java.time.Duration.ofNanos(left));
            try {
                r.read(java.nio.ByteBuffer.allocate(1));
            } catch (java.net.SocketTimeoutException slow) {
                return; // still starting: it will accept when it can
            }
        }
    }

    /** Starts one worker with the listener at its descriptor 3; with {@code tellReady}, returns the socket it says "accepting" on. */
    private Socket spawnWorker(boolean tellReady) throws IOException {
        Socket[] pair = tellReady ? Socket.pair(Family.LOCAL, SocketType.STREAM) : null;
        try {
            return spawn(pair);
        } finally {
            if (pair != null) pair[1].close(); // the worker's end: ours no longer
        }
    }

    private Socket spawn(Socket[] readyPair) throws IOException {
        synchronized (this) {
            if (stopping) {
                if (readyPair != null) readyPair[0].close();
                return null;
            }
            ChildProcess.Builder b = ChildProcess.builder(argv).devNull(0).devNull(1) // the server's terminal is none of a worker's business
                    .descriptor(PreforkWorker.LISTENER_FD, serving.listener());
            if (readyPair != null) {
                readyPair[1].setBlockingForChild(true);
                b.descriptor(PreforkWorker.READY_FD, readyPair[1]);
            }
            ChildProcess w;
            try {
                w = b.start();
            } catch (IOException e) {
                if (readyPair != null) readyPair[0].close();
                throw e;
            }
            long born = System.nanoTime();
            log("worker " + w.pid() + " started");
            CompletableFuture<Void> handled = w.onExit().thenAccept(status -> exited(w, status, born));
            workers.put(w, handled);
            if (handled.isDone()) workers.remove(w); // it died at once, and exited() ran before the put
            return readyPair == null ? null : readyPair[0];
        }
    }

    /** The reaper saw a worker go: replace it unless we are stopping. */
    private void exited(ChildProcess w, ExitStatus status, long born) {
        workers.remove(w);
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
                spawnWorker(false);
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
        Children.signal(workers.keySet(), false, serving); // each worker: stop accepting, finish within the grace period, exit
        if (Children.await(workers.values(), deadline + TimeUnit.MILLISECONDS.toNanos(KILL_AFTER_MILLIS))) return;
        Children.signal(workers.keySet(), true, serving);
        if (!Children.await(workers.values(), System.nanoTime() + TimeUnit.SECONDS.toNanos(5))) {
            serving.log(Level.WARNING, "workers not reaped after SIGKILL: " + workers.keySet().stream().filter(ChildProcess::isAlive).toList());
        }
    }

    private void log(String line) {
        if (serving.config.log() != null) serving.config.log().accept(line);
    }
}
