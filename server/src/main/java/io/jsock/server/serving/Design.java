package io.jsock.server.serving;

import java.io.IOException;

/**
 * One concurrency design behind {@code TcpServer}: how accepted connections get served. Each
 * variant of {@link io.jsock.server.Model} is one small class implementing this, built by
 * {@code io.jsock.server.Designs}.
 */
public interface Design {
    /**
     * Starts serving on {@code serving.listener()}; returns at once. Undoes what it started when it throws.
     *
     * @param serving the accept loop, registry and configuration to serve with
     * @throws IOException if the model cannot start (a thread, a process, a listener of its own)
     */
    public void start(Serving serving) throws IOException;

    /**
     * Called after the listener is closed: lets connections in flight finish until {@code deadline}
     * ({@link System#nanoTime()}), then forces them closed, and returns once every thread and
     * process it started is gone.
     *
     * @param deadline the end of the grace period ({@link System#nanoTime()})
     * @throws InterruptedException if interrupted while waiting
     */
    public void stop(long deadline) throws InterruptedException;
}
