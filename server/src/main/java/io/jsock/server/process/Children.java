package io.jsock.server.process;

import io.jsock.server.serving.Serving;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.process.ChildProcess;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The end of the process and prefork models' children at shutdown: a signal to each, then a wait for their exits. */
final class Children {
    private Children() {}

    /** SIGTERM, or SIGKILL when {@code kill}, to each child not yet reaped; a failure is logged, the others still get theirs. */
    static void signal(Collection<ChildProcess> children, boolean kill, Serving serving) {
        for (ChildProcess p : children) {
            try {
                if (kill) p.kill();
                else p.terminate();
            } catch (ErrnoException e) {
                serving.log(Level.WARNING, e.getMessage());
            }
        }
    }

    /**
     * Waits until each of {@code children} (as they are now) has exited and been reaped, or until
     * {@code deadline} ({@link System#nanoTime()}); returns whether they all have. Waits on their
     * exit futures, which the reaper completes: no polling.
     */
    static boolean awaitExit(Collection<ChildProcess> children, long deadline) throws InterruptedException {
        CompletableFuture<?>[] exits = children.stream().map(ChildProcess::onExit).toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(exits).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // an exit future is never completed exceptionally
        }
    }
}
