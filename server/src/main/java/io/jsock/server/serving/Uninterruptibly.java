package io.jsock.server.serving;

/**
 * A wait that must reach its end (a thread joined, a close finished) whatever interrupts come: each
 * interrupt is kept and set again in the thread's interrupt status once the wait is over.
 */
public final class Uninterruptibly {
    private Uninterruptibly() {}

    /** A blocking wait that an interrupt cuts short. */
    @FunctionalInterface
    public interface Wait {
        /**
         * Waits.
         *
         * @throws InterruptedException when interrupted before the end
         */
        void await() throws InterruptedException;
    }

    /**
     * Waits until {@code wait} returns, waiting again after each interrupt.
     *
     * @param wait the wait, e.g. {@code thread::join} or {@code latch::await}
     */
    public static void await(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
