package io.jsock.socket;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes virtual threads parked on sockets, as the JDK's own {@code sun.nio.ch.Poller} does: a
 * virtual thread that would block arms a one-shot epoll registration for its descriptor and parks,
 * freeing its carrier; this poller's platform thread waits in epoll_wait and unparks it when the
 * descriptor is ready. One poller for reads, one for writes, so a reader and a writer on the same
 * socket each have their own registration.
 */
final class Poller implements Runnable {
    static final Poller READ = start("jsock-read-poller", Constants.EPOLLIN | Constants.EPOLLRDHUP);
    static final Poller WRITE = start("jsock-write-poller", Constants.EPOLLOUT);

    private final Epoll epoll;
    private final int interest;
    private final boolean reads;
    /** Descriptor number to the virtual thread parked on it. */
    private final ConcurrentHashMap<Integer, Thread> parked = new ConcurrentHashMap<>();

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
        } catch (ErrnoException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Registers {@code t} to be unparked once {@code fd} is ready. */
    void arm(Fd fd, short events, Thread t) throws ErrnoException {
        parked.put(fd.fd, t);
        int ev = interest | Constants.EPOLLONESHOT;
        boolean registered = reads ? fd.inReadPoller : fd.inWritePoller;
        try {
            if (registered) {
                epoll.modify(fd.fd, ev, fd.fd);
            } else {
                epoll.add(fd.fd, ev, fd.fd);
                if (reads) fd.inReadPoller = true;
                else fd.inWritePoller = true;
            }
        } catch (ErrnoException e) {
            parked.remove(fd.fd, t);
            throw e;
        }
    }

    /** After the park: forget the thread (the poller may have done so already). */
    void disarm(Fd fd, Thread t) {
        parked.remove(fd.fd, t);
    }

    /** Before the descriptor's close(2): drop its registration. */
    void forget(Fd fd) {
        try {
            epoll.delete(fd.fd);
        } catch (ErrnoException ignored) {
            // ENOENT/EBADF: nothing registered any more; the close that follows is all that matters.
        }
    }

    @Override
    public void run() {
        while (true) {
            int n;
            try {
                n = epoll.await(-1);
            } catch (ErrnoException e) {
                throw new IllegalStateException(e); // EBADF/EINVAL on our own epoll: a bug, not a condition
            }
            for (int i = 0; i < n; i++) {
                Thread t = parked.remove((int) epoll.data(i));
                if (t != null) LockSupport.unpark(t);
            }
        }
    }
}
