package io.jsock.server.datagram;

import java.io.IOException;

/** How a datagram server serves its socket: the service's loops ({@link Exchanges}) or a program ({@link InetdWait}). */
public sealed interface DatagramDesign permits Exchanges, InetdWait {

    /** Starts the threads that read the socket; throws if the command's program cannot be found. */
    void start() throws IOException;

    /** {@return exchanges (or programs) in flight now} */
    int busy();

    /**
     * Stops reading, lets what is in flight finish until {@code deadline} ({@link System#nanoTime()}),
     * ends the rest, closes the socket and joins every thread.
     */
    void stop(long deadline) throws InterruptedException;
}
