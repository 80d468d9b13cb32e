package io.jsock.bench;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Runs one {@link LoadSpec} against a server: rr, crr and bulk on {@link Worker} threads (one
 * epoll loop per core), idle on the calling thread. The server's CPU time is read from its process
 * tree at the start and the end of the measured window (when its pid is known).
 */
final class LoadGenerator {
    private final ProcessTree proc = new ProcessTree();
    /** Run just before each memory reading in idle mode (e.g. a full GC in a Java server); by default nothing. */
    private final Runnable beforeMemoryReading;

    /** Told when the measured window begins and ends (e.g. to count the server's system calls over it); by default nothing. */
    private final Window window;

    /** Something that watches the measured window of a timed run. */
    interface Window {
        /** Called just after the window opened (it may take a while: the window is as long as the duration plus that). */
        void begin() throws IOException;

        /** Called just after it closed and the CPU times were read. */
        void end() throws IOException;
    }

    private static final Window NO_WINDOW = new Window() {
        @Override
        public void begin() {}

        @Override
        public void end() {}
    };

    LoadGenerator() {
        this(() -> { }, NO_WINDOW);
    }

    LoadGenerator(Runnable beforeMemoryReading, Window window) {
        this.beforeMemoryReading = beforeMemoryReading;
        this.window = window == null ? NO_WINDOW : window;
    }

    /**
     * Runs {@code spec}; {@code serverPid} is the server's process (-1: unknown, no CPU figure).
     * Blocks for the warm-up plus the duration (idle: as long as opening the connections takes).
     */
    LoadResult run(LoadSpec spec, long serverPid) throws IOException, InterruptedException {
        return spec.mode() == Mode.IDLE ? idle(spec, serverPid) : timed(spec, serverPid);
    }

    private LoadResult timed(LoadSpec spec, long serverPid) throws IOException, InterruptedException {
        int threadCount = Math.min(spec.threads(), spec.connections());
        Worker.Phase phase = new Worker.Phase(threadCount);
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            int share = spec.connections() / threadCount + (t < spec.connections() % threadCount ? 1 : 0);
            Worker w = new Worker(spec, phase, share);
            workers.add(w);
            threads.add(Thread.ofPlatform().name("jsock-load-", t).daemon().start(w));
        }
        ProcessTree.Cpu cpu0 = null, cpu1 = null;
        long own0 = -1, own1 = -1, t0 = 0, t1 = 0;
        try {
            // Warm-up starts once every connection has been served (bounded: a server that never answers,
            // or serves one connection at a time, still gets its run).
            phase.connected.await(spec.readyWait().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            Thread.sleep(spec.warmup());
            cpu0 = cpu(serverPid);
            own0 = ownCpu();
            t0 = System.nanoTime();
            phase.value = Worker.MEASURE;
            window.begin();
            Thread.sleep(spec.duration());
            phase.value = Worker.DONE;
            t1 = System.nanoTime();
            own1 = ownCpu();
            cpu1 = cpu(serverPid);
            window.end();
        } finally {
            phase.value = Worker.DONE;
            for (Thread t : threads) t.join();
        }
        Histogram latency = LoadResult.latencyHistogram();
        long ops = 0, bytes = 0, errors = 0;
        String firstError = null;
        for (Worker w : workers) {
            latency.add(w.latency);
            ops += w.ops;
            bytes += w.bytes;
            errors += w.errors;
            if (firstError == null) firstError = w.firstError;
        }
        long cpu = cpu0 == null || cpu1 == null ? -1 : cpu1.totalNanos() - cpu0.totalNanos();
        long parent = cpu0 == null || cpu1 == null ? -1 : cpu1.parentNanos() - cpu0.parentNanos();
        long own = own0 < 0 || own1 < 0 ? -1 : own1 - own0;
        return new LoadResult(spec.mode(), spec.connections(), ops, bytes, (t1 - t0) / 1e9, latency, errors,
                firstError, cpu, parent, own, Double.NaN, Double.NaN);
    }

    /**
     * Opens {@code connections} connections one after another, echoes one message on each (so the
     * server has accepted it and set up whatever it keeps per connection), waits for the server
     * to settle, and compares its memory and descriptors with before.
     */
    private LoadResult idle(LoadSpec spec, long serverPid) throws IOException, InterruptedException {
        if (serverPid < 0) throw new IllegalArgumentException("idle mode needs the server's pid (start it with bench)");
        long limit = openFileLimit(ProcessHandle.current().pid());
        if (limit > 0 && spec.connections() + 64 > limit) {
            // The JVM raises its soft RLIMIT_NOFILE to the hard limit at start; beyond that only ulimit -Hn (root) helps.
            throw new IllegalArgumentException("idle with " + spec.connections() + " connections needs about "
                    + (spec.connections() + 64) + " descriptors; this process may open " + limit
                    + " (raise the hard limit: ulimit -Hn " + (spec.connections() + 1024) + ", as root)");
        }
        long serverLimit = openFileLimit(serverPid);
        if (serverLimit > 0 && spec.connections() + 16 > serverLimit) {
            throw new IOException("the server (pid " + serverPid + ") may open only " + serverLimit
                    + " descriptors (RLIMIT_NOFILE), fewer than " + spec.connections() + " connections need");
        }
        Thread.sleep(spec.warmup());
        beforeMemoryReading.run();
        ProcessTree.Usage before = proc.usage(serverPid);
        List<Socket> open = new ArrayList<>(spec.connections());
        Histogram latency = LoadResult.latencyHistogram();
        long errors = 0;
        String firstError = null;
        byte[] msg = new byte[spec.size()];
        byte[] back = new byte[spec.size()];
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < spec.connections(); i++) {
                Socket s = null;
                try {
                    long start = System.nanoTime();
                    s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
                    s.setOption(SockOpt.TCP_NODELAY, true);
                    s.setTimeout(java.time.Duration.ofSeconds(5));
                    s.connect(spec.target(), java.time.Duration.ofSeconds(5));
                    java.util.Arrays.fill(msg, (byte) i);
                    s.writeFully(msg);
                    s.readFully(back);
                    if (!java.util.Arrays.equals(msg, back)) throw new IOException("echo differs on connection " + i);
                    latency.recordValue(System.nanoTime() - start);
                    open.add(s);
                    s = null;
                } catch (IOException e) {
                    if (s != null) s.close();
                    errors++;
                    if (firstError == null) firstError = e.getMessage();
                    if (errors >= 3) break; // the server refuses or stopped serving: report what got open
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(Math.max(1000, spec.duration().toMillis() / 5)); // let the server settle
            beforeMemoryReading.run();
            ProcessTree.Usage after = proc.usage(serverPid);
            int n = Math.max(1, open.size());
            return new LoadResult(Mode.IDLE, open.size(), open.size(), 0, seconds, latency, errors, firstError,
                    after.cpuNanos() - before.cpuNanos(), -1, -1,
                    (double) (after.rssBytes() - before.rssBytes()) / n,
                    (double) (after.descriptors() - before.descriptors()) / n);
        } finally {
            for (Socket s : open) s.close();
        }
    }

    /** The soft "Max open files" of a process (its RLIMIT_NOFILE), from /proc/PID/limits; -1 when unknown. */
    static long openFileLimit(long pid) {
        return Limits.nofile(pid, 0);
    }

    private ProcessTree.Cpu cpu(long pid) throws IOException {
        return pid < 0 ? null : proc.cpu(pid);
    }

    /** This JVM's own user+system time (not its children: the servers are those). */
    private long ownCpu() {
        try {
            return proc.ownCpuNanos(ProcessHandle.current().pid());
        } catch (IOException e) {
            return -1;
        }
    }
}
