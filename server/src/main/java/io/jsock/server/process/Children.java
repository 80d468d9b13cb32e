package io.jsock.server.process;

import io.jsock.server.serving.Serving;

import io.jsock.socket.process.ChildProcess;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The end of the process and prefork models' children at shutdown: a signal to each, then a wait for their exits. */
final class Children {
    private Children() {}

    /**
     * SIGTERM, or SIGKILL when {@code kill}, to each child's whole process group (every child of
     * these models leads one), so what the child started goes with it; a failure is logged, the
     * others still get theirs.
     */
    static void signal(Collection<ChildProcess> children, boolean kill, Serving serving) {
        for (ChildProcess p : children) {
            try {
                p.signalGroup(kill ? ChildProcess.SIGKILL : ChildProcess.SIGTERM);
            } catch (IOException e) {
                serving.log(Level.WARNING, e.getMessage());
            }
        }
    }

    /**
     * Waits until no process is left in any of the groups, or until {@code deadline}; returns whether
     * none is. A group has no exit to wait on: it is looked at every {@value #POLL_MILLIS} ms.
     */
    static boolean awaitGroups(Collection<ChildProcess> leaders, long deadline) throws InterruptedException {
        while (leaders.stream().anyMatch(ChildProcess::groupAlive)) {
            if (deadline - System.nanoTime() <= 0) return false;
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    private static final long POLL_MILLIS = 20;

    /**
     * Waits until each of {@code children} (as they are now) has exited and been reaped, or until
     * {@code deadline} ({@link System#nanoTime()}); returns whether they all have. Waits on their
     * exit futures, which the reaper completes: no polling.
     */
    static boolean awaitExit(Collection<ChildProcess> children, long deadline) throws InterruptedException {
        return await(children.stream().map(ChildProcess::onExit).toList(), deadline);
    }

    /** Waits until each of {@code exits} (as they are now) is complete, or until {@code deadline}; returns whether they all are. */
    static boolean await(Collection<? extends CompletableFuture<?>> exits, long deadline) throws InterruptedException {
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture<?>[]::new)).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // an exit future is never completed exceptionally
        }
    }
}
