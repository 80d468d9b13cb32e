package io.jsock.socket.internal;

import io.jsock.socket.event.Epoll;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes virtual threads parked on sockets, as the JDK's own {@code sun.nio.ch.Poller} does: a
 * virtual thread that would block arms a one-shot epoll registration for its descriptor and parks,
 * freeing its carrier; this poller's platform thread waits in epoll_wait and, when the descriptor is
 * ready, unparks every virtual thread waiting on it for that direction. One poller for reads, one
 * for writes, so a reader and a writer on the same socket each have their own registration.
 *
 * <p>Each poller is made on first need, not when the class initializes: making one needs a descriptor
 * (its epoll instance), and a failure in a static initializer would leave the class unusable for the
 * life of the JVM. Out of descriptors (EMFILE), the call that needed the poller fails with that errno,
 * and a later one makes it.
 */
public final class Poller implements Runnable {
    // Made once each, under the class lock; read without it once made.
    private static volatile Poller read;
    private static volatile Poller write;

    private final Epoll epoll;
    private final int interest;
    private final boolean reads;
    /**
     * Descriptor number to the armed descriptor. An entry leaves when the poller fires it or the
     * descriptor is closed; a thread that stops waiting (timeout, close) leaves it in place, and
     * the next event for it is a spurious wake-up at worst.
     */
    private final ConcurrentHashMap<Integer, Fd> armed = new ConcurrentHashMap<>();

    /**
     * Starts both pollers if they are not running; safe to call more than once, from any thread.
     *
     * @throws IOException if one cannot start now (EMFILE: no descriptor for its epoll instance); a later call retries
     */
    public static void start() throws IOException {
        forReads();
        forWrites();
    }

    /** The poller that wakes readers (and acceptors), started on first need. */
    public static Poller forReads() throws IOException {
        Poller p = read;
        if (p != null) return p;
        synchronized (Poller.class) {
            if (read == null) read = start("jsock-read-poller", Constants.EPOLLIN | Constants.EPOLLRDHUP);
            return read;
        }
    }

    /** The poller that wakes writers (and connectors), started on first need. */
    public static Poller forWrites() throws IOException {
        Poller p = write;
        if (p != null) return p;
        synchronized (Poller.class) {
            if (write == null) write = start("jsock-write-poller", Constants.EPOLLOUT);
            return write;
        }
    }

    /** The running poller of that direction, or null if none was started (so nothing can be registered in it). */
    static Poller started(boolean reads) {
        return reads ? read : write;
    }

    private Poller(Epoll epoll, int interest) {
        this.epoll = epoll;
        this.interest = interest;
        this.reads = (interest & Constants.EPOLLIN) != 0;
    }

    private static Poller start(String name, int interest) throws IOException {
        Poller p = new Poller(Epoll.open(128), interest);
        Thread.ofPlatform().daemon().name(name).start(p);
        return p;
    }

    /**
     * Arms a one-shot registration for {@code fd}: its waiters (already added with their events)
     * are unparked once it is ready. Re-arming an armed descriptor is harmless (several virtual
     * threads may wait on one listener).
     */
    public void arm(Fd fd) throws IOException {
        armed.put(fd.fd, fd);
        int ev = interest | Constants.EPOLLONESHOT;
        boolean registered = reads ? fd.inReadPoller : fd.inWritePoller;
        if (registered) {
            epoll.modify(fd.fd, ev, fd.fd);
            return;
        }
        synchronized (fd) {
            // Two first waiters may race to add; the loser modifies instead.
            registered = reads ? fd.inReadPoller : fd.inWritePoller;
            if (registered) {
                epoll.modify(fd.fd, ev, fd.fd);
            } else {
                epoll.add(fd.fd, ev, fd.fd);
                if (reads) fd.inReadPoller = true;
                else fd.inWritePoller = true;
            }
        }
    }

    /** Before the descriptor's close(2): drop its registration. */
    public void forget(Fd fd) {
        armed.remove(fd.fd, fd);
        try {
            epoll.delete(fd.fd);
        } catch (IOException ignored) {
            // ENOENT/EBADF: nothing registered any more; the close that follows is all that matters.
        }
    }

    @Override
    public void run() {
        short events = reads ? Constants.POLLIN : Constants.POLLOUT;
        while (true) {
            int n;
            try {
                n = epoll.await(-1);
            } catch (IOException e) {
                throw new IllegalStateException(e); // EBADF/EINVAL on our own epoll: a bug, not a condition
            }
            for (int i = 0; i < n; i++) {
                Fd fd = armed.remove((int) epoll.data(i));
                if (fd != null) fd.unparkVirtual(events);
            }
        }
    }
}
