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
 */
public final class Poller implements Runnable {
    public static final Poller READ = start("jsock-read-poller", Constants.EPOLLIN | Constants.EPOLLRDHUP);
    public static final Poller WRITE = start("jsock-write-poller", Constants.EPOLLOUT);

    private final Epoll epoll;
    private final int interest;
    private final boolean reads;
    /**
     * Descriptor number to the armed descriptor. An entry leaves when the poller fires it or the
     * descriptor is closed; a thread that stops waiting (timeout, close) leaves it in place, and
     * the next event for it is a spurious wake-up at worst.
     */
    private final ConcurrentHashMap<Integer, Fd> armed = new ConcurrentHashMap<>();

    /** Starts both pollers (initializing this class does); safe to call more than once. */
    public static void start() {
        // READ and WRITE are made when the class initializes, which calling this static method forces.
    }

    private Poller(Epoll epoll, int interest) {
        this.epoll = epoll;
        this.interest = interest;
        this.reads = (interest & Constants.EPOLLIN) != 0;
    }

    private static Poller start(String name, int interest) {
        try {
            Poller p = new Poller(Epoll.open(128), interest);
            Thread.ofPlatform().daemon().name(name).start(p);
            return p;
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
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
