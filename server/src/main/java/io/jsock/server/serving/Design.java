package io.jsock.server.serving;

import java.io.IOException;

/**
 * One concurrency design behind {@link TcpServer}: how accepted connections get served. Each
 * {@link Model.Kind} is one small class implementing this.
 */
public interface Design {
    /** Starts serving on {@code serving.listener()}; returns at once. Undoes what it started when it throws. */
    public void start(Serving serving) throws IOException;

    /**
     * Called after the listener is closed: lets connections in flight finish until {@code deadline}
     * ({@link System#nanoTime()}), then forces them closed, and returns once every thread and
     * process it started is gone.
     */
    public void stop(long deadline) throws InterruptedException;
}
