package io.jsock.server.serving;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server's close, run once: the first caller does the work; later callers, from any thread, wait
 * until it has finished. What {@code TcpServer} and {@code DatagramServer} share about closing.
 */
public final class CloseOnce {
    /** The work of a close; an interrupt ends it early and is kept in the thread's interrupt status. */
    @FunctionalInterface
    public interface Work {
        /** Stops the server. */
        void run() throws InterruptedException;
    }

    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    /** A close not yet begun. */
    public CloseOnce() {}

    /** Runs {@code work} if this is the first call; otherwise waits for the first call to finish. */
    public void close(Work work) {
        if (!started.compareAndSet(false, true)) {
            await();
            return;
        }
        try {
            work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /** Blocks until the close has finished; an interrupt does not end the wait but is kept in the thread's interrupt status. */
    public void await() {
        Uninterruptibly.await(finished::await);
    }
}
