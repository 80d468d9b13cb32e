package io.jsock.socket.internal;

import io.jsock.socket.event.Epoll;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The one platform thread under the read sub-pollers ({@link Poller}): it blocks in epoll_wait on an
 * epoll instance that watches the sub-pollers' own epoll descriptors (an epoll descriptor is readable
 * while its ready list is not empty), and unparks a sub-poller that parked with nothing to do once
 * something is ready for it. Each sub-poller's registration is one-shot, armed again each time it parks.
 */
final class MasterPoller {
    private final Epoll epoll;

    // Set by register before start; read by the master's thread after (Thread.start orders them).
    private final Epoll[] subEpolls;
    private final Thread[] subThreads;

    /** Owns {@code epoll} (closed by {@link #close} if the pollers cannot all start), for {@code count} sub-pollers. */
    MasterPoller(Epoll epoll, int count) {
        this.epoll = epoll;
        this.subEpolls = new Epoll[count];
        this.subThreads = new Thread[count];
    }

    /** Before {@link #start}: sub-poller {@code index} has {@code sub} and runs on {@code thread} (not yet started). */
    void register(int index, Epoll sub, Thread thread) throws IOException {
        subEpolls[index] = sub;
        subThreads[index] = thread;
        epoll.add(sub.fd(), Constants.EPOLLONESHOT, index); // disarmed until the sub-poller first parks
    }

    /** {@return the sub-pollers' threads} */
    Thread[] threads() {
        return subThreads.clone();
    }

    void start() {
        Thread.ofPlatform().daemon().name("jsock-master-poller").start(this::run);
    }

    /** Closes the master's epoll descriptor: only when the pollers could not all start. */
    void close() {
        epoll.close();
    }

    /**
     * Called by sub-poller {@code index} on its own thread when it found nothing ready: arms its
     * registration and parks until its epoll descriptor is readable (or spuriously: it looks again).
     */
    void parkUntilReady(int index) {
        try {
            epoll.modify(subEpolls[index].fd(), Constants.EPOLLIN | Constants.EPOLLONESHOT, index);
        } catch (IOException e) {
            throw new IllegalStateException(e); // ENOMEM at most, on descriptors we own and keep open
        }
        LockSupport.park(this);
    }

    private void run() {
        while (true) {
            int n;
            try {
                n = epoll.await(-1);
            } catch (IOException e) {
                throw new IllegalStateException(e); // EBADF/EINVAL on our own epoll: a bug, not a condition
            }
            for (int i = 0; i < n; i++) LockSupport.unpark(subThreads[(int) epoll.data(i)]);
        }
    }
}
