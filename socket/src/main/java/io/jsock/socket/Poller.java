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
    /**
     * Descriptor number to the virtual thread parked on it, or to a {@code Thread[]} when several
     * are (e.g. a pool of virtual threads accepting on one listener): all are woken, one wins.
     */
    private final ConcurrentHashMap<Integer, Object> parked = new ConcurrentHashMap<>();

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
        parked.merge(fd.fd, t, Poller::with);
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
            disarm(fd, t);
            throw e;
        }
    }

    /** After the park: forget the thread (the poller may have done so already). */
    void disarm(Fd fd, Thread t) {
        parked.computeIfPresent(fd.fd, (k, v) -> without(v, t));
    }

    private static Object with(Object waiting, Object t) {
        if (waiting == t) return t;
        Thread[] old = waiting instanceof Thread[] a ? a : new Thread[] {(Thread) waiting};
        for (Thread x : old) if (x == t) return waiting;
        Thread[] more = java.util.Arrays.copyOf(old, old.length + 1);
        more[old.length] = (Thread) t;
        return more;
    }

    /** {@code waiting} less {@code t}; {@code null} (the entry goes) when none is left. */
    private static Object without(Object waiting, Thread t) {
        if (waiting == t) return null;
        if (!(waiting instanceof Thread[] a)) return waiting;
        Thread[] rest = java.util.Arrays.stream(a).filter(x -> x != t).toArray(Thread[]::new);
        return rest.length == 0 ? null : rest.length == 1 ? rest[0] : rest;
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
                Object waiting = parked.remove((int) epoll.data(i));
                if (waiting instanceof Thread t) {
                    LockSupport.unpark(t);
                } else if (waiting instanceof Thread[] all) {
                    for (Thread t : all) LockSupport.unpark(t);
                }
            }
        }
    }
}
