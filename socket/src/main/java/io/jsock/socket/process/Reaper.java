package io.jsock.socket.process;

import io.jsock.socket.event.Epoll;
import io.jsock.socket.event.EventFd;
import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reaps {@link ChildProcess}es by pid: one platform thread waits in epoll_wait on a pidfd per child
 * (pidfd_open(2): it polls readable once the child has exited) and then calls waitpid(pid, WNOHANG)
 * for that pid. Each pidfd is in the epoll EPOLLONESHOT: it is reported once, and its close after
 * the reaping needs no epoll_ctl. (Without it, a pidfd closed while a child being spawned still held
 * a copy of the descriptor table stayed in the epoll, readable, and the reaper spun on it until that
 * child's exec: most of the reaper's CPU under a stream of connections.) Never waitpid(-1): the JDK reaps its own {@link Process}es by pid and would lose
 * their statuses. A child whose pidfd could not be opened (EMFILE, an old kernel) is polled with
 * waitpid(pid, WNOHANG) every {@value #POLL_MILLIS} ms instead. The thread lives as long as the JVM,
 * as the JDK's own process reaper does.
 */
final class Reaper implements Runnable {
    static final Reaper INSTANCE = start();

    static final int POLL_MILLIS = 100;
    private static final long WAKE = -1; // the epoll data of the eventfd, not a child

    private final Epoll epoll;
    private final EventFd wake;
    private final MemorySegment status = Arena.global().allocate(JAVA_INT); // used by the reaper thread only

    /**
     * Children with a pidfd in the epoll, by a number of their own (the epoll data): not by pid, which
     * the kernel may give to a new child between our waitpid and our cleaning up.
     */
    private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private record Watched(ChildProcess child, int pidfd) {}
    /** Children without a pidfd: polled. */
    private final Set<ChildProcess> polled = ConcurrentHashMap.newKeySet();

    private Reaper(Epoll epoll, EventFd wake) {
        this.epoll = epoll;
        this.wake = wake;
    }

    private static Reaper start() {
        try {
            Epoll epoll = Epoll.open(64);
            EventFd wake = EventFd.open();
            epoll.add(wake.fd(), Epoll.IN, WAKE);
            Reaper r = new Reaper(epoll, wake);
            Thread.ofPlatform().daemon().name("jsock-reaper").start(r);
            return r;
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Starts watching a child just spawned (it may have exited already: its pidfd is then readable at once). */
    void watch(ChildProcess child) {
        int pidfd = Libc.pidfd_open(child.pid(), 0); // always close-on-exec
        if (pidfd >= 0) {
            long id = ids.incrementAndGet();
            watched.put(id, new Watched(child, pidfd));
            try {
                epoll.add(pidfd, Epoll.IN | Epoll.ONESHOT, id);
                return;
            } catch (IOException e) {
                watched.remove(id);
                Libc.close(pidfd);
            }
        }
        poll(child);
    }

    /** Watches a child by polling waitpid(pid, WNOHANG); package-private for tests of the fallback. */
    void poll(ChildProcess child) {
        polled.add(child);
        try {
            wake.signal();
        } catch (IOException e) {
            // cannot fail on our own open eventfd; the next poll round finds the child anyway
        }
    }

    @Override
    public void run() {
        while (true) {
            int n;
            try {
                n = epoll.await(polled.isEmpty() ? -1 : POLL_MILLIS);
            } catch (IOException e) {
                throw new IllegalStateException(e); // EBADF/EINVAL on our own epoll: a bug, not a condition
            }
            for (int i = 0; i < n; i++) {
                long data = epoll.data(i);
                if (data == WAKE) {
                    drain();
                    continue;
                }
                Watched w = watched.get(data);
                if (w == null) continue;
                if (w.child().tryReap(status)) {
                    watched.remove(data);
                    Libc.close(w.pidfd()); // leaves the epoll once no spawning child holds a copy of it: disarmed till then
                } else {
                    rearm(data, w);
                }
            }
            if (!polled.isEmpty()) polled.removeIf(c -> c.tryReap(status));
        }
    }

    /** The pidfd polled readable before waitpid saw the exit (or waitpid was interrupted): wait for it again. */
    private void rearm(long id, Watched w) {
        try {
            epoll.modify(w.pidfd(), Epoll.IN | Epoll.ONESHOT, id);
        } catch (IOException e) {
            watched.remove(id);
            Libc.close(w.pidfd());
            poll(w.child());
        }
    }

    private void drain() {
        try {
            wake.drain();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
