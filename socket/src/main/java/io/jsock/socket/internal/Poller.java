package io.jsock.socket.internal;

import io.jsock.socket.event.Epoll;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes virtual threads parked on sockets, much as the JDK's own {@code sun.nio.ch.Poller} does in
 * its virtual-thread mode: a virtual thread that would block makes sure its descriptor is registered
 * in a poller ({@link #arm}) and parks, freeing its carrier; when the descriptor is ready, the poller
 * unparks every virtual thread waiting on it for that direction.
 *
 * <p>Readers (and acceptors) are woken by <em>read sub-pollers</em>, one per carrier by default
 * ({@code -Djsock.readPollers=N} sets the count), each a virtual thread itself. A sub-poller looks
 * with epoll_wait(timeout 0) on its carrier and unparks the ready threads there: they go to that
 * carrier's own queue, with no platform thread to wake and no context switch. It yields so they run,
 * and looks again; when it finds nothing it registers its epoll descriptor, one-shot, in the
 * {@link MasterPoller} (one platform thread, blocked in epoll_wait) and parks until that wakes it. A
 * descriptor belongs to sub-poller {@code fd % N}. Writers (and connectors) rarely wait and are
 * woken by one write poller on a platform thread.
 *
 * <p>The pollers are made on first need, not when the class initializes: making one needs a descriptor
 * (its epoll instance), and a failure in a static initializer would leave the class unusable for the
 * life of the JVM. Out of descriptors (EMFILE), the call that needed the pollers fails with that errno,
 * and a later one makes them.
 */
public final class Poller {
    // Made once each, under the class lock; read without it once made.
    private static volatile Poller[] readers;
    private static volatile Poller writer;
    private static volatile MasterPoller master; // set with readers

    private final Epoll epoll;
    private final int interest;
    private final boolean reads;
    /**
     * Descriptor number to the descriptor. In a read sub-poller: every registered descriptor, until it
     * is closed. In the write poller: the armed ones; an entry leaves when the poller fires it or the
     * descriptor is closed, and a thread that stops waiting (timeout, close) leaves it in place: the
     * next event for it is a spurious wake-up at worst. An event still in flight for a closed
     * descriptor whose number is reused is one for the new descriptor: a spurious wake-up too.
     */
    private final ConcurrentHashMap<Integer, Fd> fds = new ConcurrentHashMap<>();

    /**
     * Starts the pollers if they are not running; safe to call more than once, from any thread.
     *
     * @throws IOException if one cannot start now (EMFILE: no descriptor for its epoll instance); a later call retries
     */
    public static void start() throws IOException {
        readers();
        writer();
    }

    /**
     * The poller that wakes the virtual threads waiting on {@code fd} for {@code events}, the pollers
     * started on first need.
     *
     * @param fd the descriptor waited on
     * @param events POLLIN (read, accept) or POLLOUT (write, connect)
     * @return its sub-poller for reads, the write poller for writes
     * @throws IOException if the pollers cannot start now (EMFILE); a later call retries
     */
    public static Poller of(Fd fd, short events) throws IOException {
        if (events != Constants.POLLIN) return writer();
        Poller[] r = readers();
        return r[fd.fd % r.length];
    }

    /** Before the descriptor's close(2): drops its registrations, in the pollers it was registered in. */
    static void forget(Fd fd) {
        if (fd.inReadPoller) {
            Poller[] r = readers; // registered: so the readers run
            r[fd.fd % r.length].drop(fd);
        }
        if (fd.inWritePoller) writer.drop(fd);
    }

    private static Poller[] readers() throws IOException {
        Poller[] r = readers;
        if (r != null) return r;
        synchronized (Poller.class) {
            if (readers == null) readers = startReaders(Integer.getInteger("jsock.readPollers", Runtime.getRuntime().availableProcessors()));
            return readers;
        }
    }

    /** The read sub-pollers' virtual threads (for tests), the pollers started on first need. */
    static Thread[] subPollerThreads() throws IOException {
        readers();
        return master.threads();
    }

    private static Poller writer() throws IOException {
        Poller p = writer;
        if (p != null) return p;
        synchronized (Poller.class) {
            if (writer == null) {
                Poller w = new Poller(Epoll.open(128), Constants.EPOLLOUT);
                Thread.ofPlatform().daemon().name("jsock-write-poller").start(w::platformLoop);
                writer = w;
            }
            return writer;
        }
    }

    /** The master and {@code count} read sub-pollers; all or none (their epoll descriptors closed on failure). */
    private static Poller[] startReaders(int count) throws IOException {
        Poller[] subs = new Poller[Math.max(1, count)];
        MasterPoller master = null;
        boolean success = false;
        try {
            for (int i = 0; i < subs.length; i++) subs[i] = new Poller(Epoll.open(128), Constants.EPOLLIN | Constants.EPOLLRDHUP | Constants.EPOLLPRI);
            master = new MasterPoller(Epoll.open(subs.length), subs.length);
            Thread[] threads = new Thread[subs.length];
            for (int i = 0; i < subs.length; i++) {
                Poller sub = subs[i];
                int index = i;
                MasterPoller m = master;
                threads[i] = Thread.ofVirtual().name("jsock-read-poller-" + i).unstarted(() -> sub.subPollerLoop(m, index));
                master.register(index, sub.epoll, threads[i]);
            }
            master.start();
            for (Thread t : threads) t.start();
            Poller.master = master;
            success = true;
            return subs;
        } finally {
            if (!success) {
                if (master != null) master.close();
                for (Poller p : subs) if (p != null) p.epoll.close();
            }
        }
    }

    private Poller(Epoll epoll, int interest) {
        this.epoll = epoll;
        this.interest = interest;
        this.reads = (interest & Constants.EPOLLIN) != 0;
    }

    /**
     * Makes sure the waiters of {@code fd} (already added with their events) are unparked once it is
     * ready. A read sub-poller registers the descriptor once, edge-triggered, and reports every read
     * event after that ({@link Fd#readEvents()} counts them; no system call per wait); the write poller
     * arms a one-shot registration each time (writers rarely wait, and a level of room to write would
     * report nearly always). Arming an armed descriptor is harmless (several virtual threads may wait
     * on one listener).
     *
     * @param fd the descriptor to watch
     * @throws IOException what epoll_ctl refused (ENOMEM, ENOSPC)
     */
    public void arm(Fd fd) throws IOException {
        if (reads) {
            if (!fd.inReadPoller) register(fd, interest | Constants.EPOLLET);
            return;
        }
        fds.put(fd.fd, fd);
        if (fd.inWritePoller) epoll.modify(fd.fd, interest | Constants.EPOLLONESHOT, fd.fd);
        else register(fd, interest | Constants.EPOLLONESHOT);
    }

    private void register(Fd fd, int events) throws IOException {
        synchronized (fd) {
            // Two first waiters may race to add; the loser modifies (a write) or has nothing to do (a read).
            boolean registered = reads ? fd.inReadPoller : fd.inWritePoller;
            if (registered) {
                if (!reads) epoll.modify(fd.fd, events, fd.fd);
                return;
            }
            if (reads) fds.put(fd.fd, fd);
            epoll.add(fd.fd, events, fd.fd); // reports the descriptor at once if it is ready already
            if (reads) fd.inReadPoller = true;
            else fd.inWritePoller = true;
        }
    }

    private void drop(Fd fd) {
        fds.remove(fd.fd, fd);
        try {
            epoll.delete(fd.fd);
        } catch (IOException ignored) {
            // ENOENT/EBADF: nothing registered any more; the close that follows is all that matters.
        }
    }

    /** The write poller's platform thread: blocks in epoll_wait. */
    private void platformLoop() {
        while (true) poll(-1);
    }

    /**
     * A read sub-poller's virtual thread: looks without blocking, yields to the threads it unparked
     * (they are on its carrier's queue) while it finds some, and parks in the master when it finds none.
     */
    private void subPollerLoop(MasterPoller master, int index) {
        int polled = 0;
        while (true) {
            if (polled == 0) master.parkUntilReady(index);
            else Thread.yield();
            polled = poll(0);
        }
    }

    /** One epoll_wait: unparks the waiters of every ready descriptor; returns how many were ready. */
    private int poll(int timeoutMillis) {
        int n;
        try {
            n = epoll.await(timeoutMillis);
        } catch (IOException e) {
            throw new IllegalStateException(e); // EBADF/EINVAL on our own epoll: a bug, not a condition
        }
        for (int i = 0; i < n; i++) {
            int key = (int) epoll.data(i);
            if (reads) {
                Fd fd = fds.get(key);
                if (fd != null) fd.readReady(epoll.events(i));
            } else {
                Fd fd = fds.remove(key);
                if (fd != null) fd.unparkVirtual(Constants.POLLOUT);
            }
        }
        return n;
    }
}
