package io.jsock.server.event.loop;

import io.jsock.socket.event.EventFd;
import java.io.IOException;

/**
 * How other threads reach an event loop: an eventfd the loop waits on beside its sockets (in its
 * epoll set, or polled by its ring), and the stop request with the end of its grace period.
 */
public final class LoopWaker implements AutoCloseable {
    // Set at construction; never change.
    private final EventFd eventFd;

    // Written by other threads, read by the loop.
    private volatile long stopDeadline; // System.nanoTime() of the forced end; meaningful once stopping
    private volatile boolean stopping;

    private LoopWaker(EventFd eventFd) {
        this.eventFd = eventFd;
    }

    /**
     * A waker with an eventfd of its own.
     *
     * @return the waker; close it when the loop ends
     * @throws IOException eventfd's failure (EMFILE, ...)
     */
    public static LoopWaker open() throws IOException {
        return new LoopWaker(EventFd.open());
    }

    /**
     * The eventfd, for the loop to wait on.
     *
     * @return its descriptor number
     */
    public int fd() {
        return eventFd.fd();
    }

    /**
     * From any thread: the loop stops accepting now, and ends the connections still open at {@code deadline}.
     *
     * @param deadline {@link System#nanoTime()} of the end of the grace period
     */
    public void requestStop(long deadline) {
        stopDeadline = deadline;
        stopping = true;
        wake();
    }

    /**
     * Whether the stop was requested.
     *
     * @return true once {@link #requestStop} was called
     */
    public boolean stopping() {
        return stopping;
    }

    /**
     * What is left of the grace period, once stopping.
     *
     * @return nanoseconds; 0 or less when it is over
     */
    public long graceLeft() {
        return stopDeadline - System.nanoTime();
    }

    /** From any thread: makes the loop's wait return. */
    public void wake() {
        try {
            eventFd.signal();
        } catch (IOException e) {
            // EBADF: the loop has ended and closed it
        }
    }

    /**
     * The loop was woken: reads the eventfd's count back to 0 (then the top of the loop looks at what changed).
     *
     * @throws IOException read(2)'s failure
     */
    public void drain() throws IOException {
        eventFd.drain();
    }

    /** Closes the eventfd (the loop's end). */
    @Override
    public void close() {
        eventFd.close();
    }
}
