package io.jsock.socket;

import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs code inside a named network namespace ({@code ip netns add NAME}, so
 * {@code /var/run/netns/NAME}): a socket keeps the namespace it was created in, so a socket opened
 * inside {@link #call} binds, connects and counts in that namespace for the rest of its life.
 *
 * <p>setns(2) moves only the calling OS thread, so each call gets a fresh platform thread that
 * enters the namespace, runs the task and ends; no thread that has left the JVM's namespace is
 * ever reused for anything else. Needs CAP_SYS_ADMIN (root).
 */
public final class NetNamespace {
    private NetNamespace() {}

    /** Where {@code ip netns} keeps its named namespaces (bind mounts of {@code /proc/PID/ns/net}). */
    public static final String RUN_DIR = "/var/run/netns";

    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * A task run in a namespace: may fail with an {@link IOException}, which {@link #call} rethrows as it is.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Task<T> {
        /**
         * Runs inside the namespace, on a thread of its own.
         *
         * @return the result, {@code null} allowed
         * @throws IOException whatever the task's calls throw
         */
        T run() throws IOException;
    }

    /**
     * Runs {@code task} on a new platform thread that first enters the network namespace
     * {@code name}; waits for it and returns its result. Interrupting the caller interrupts the task.
     *
     * @param <T> what the task returns
     * @param name a name from {@code ip netns list}
     * @param task what to run there
     * @return the task's result, as it returned it
     * @throws IllegalArgumentException if {@code name} is empty or could name a path outside {@link #RUN_DIR}
     * @throws java.io.InterruptedIOException if the caller is interrupted while it waits
     * @throws IOException the task's own {@link IOException} as it is (its unchecked exceptions too); a
     *         namespace that cannot be entered is an {@link ErrnoException} from open (ENOENT: no such
     *         namespace) or setns (EPERM: not root)
     */
    public static <T> T call(String name, Task<T> task) throws IOException {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad network namespace name '" + name + "' (a name from `ip netns list`)");
        }
        Outcome<T> outcome = new Outcome<>();
        Thread t = Thread.ofPlatform()
                .name("jsock-netns-" + name + "-", THREADS.incrementAndGet())
                .daemon(true)
                .unstarted(() -> outcome.run(name, task));
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            joinUninterruptibly(t);
            Thread.currentThread().interrupt();
            if (outcome.failure == null && outcome.done) return outcome.value;
            throw new InterruptedIOException("interrupted while running in network namespace " + name);
        }
        if (outcome.failure instanceof IOException io) throw io;
        if (outcome.failure instanceof RuntimeException r) throw r;
        if (outcome.failure instanceof Error err) throw err;
        return outcome.value;
    }

    /** Enters {@code name} on the calling thread. Only for threads made for it: there is no way back. */
    private static void enter(String name) throws IOException {
        String path = RUN_DIR + "/" + name;
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path);
            fd = Libc.open(cpath, Constants.O_RDONLY | Constants.O_CLOEXEC, 0);
        }
        if (fd < 0) throw IoStatus.exception("open", Libc.errno(), path, "no network namespace named " + name);
        try {
            if (Libc.setns(fd, Constants.CLONE_NEWNET) < 0) {
                throw IoStatus.exception("setns", Libc.errno(), path, "entering a network namespace needs root");
            }
        } finally {
            Libc.close(fd);
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** What the namespace thread hands back; written by it before it ends, read after join. */
    private static final class Outcome<T> {
        T value;
        Throwable failure;
        boolean done;

        void run(String name, Task<T> task) {
            try {
                enter(name);
                value = task.run();
                done = true;
            } catch (Throwable e) {
                failure = e;
            }
        }
    }
}
