package io.jsock.socket.internal;

import io.jsock.socket.SocketClosedException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One descriptor with one owner, closed exactly once. Every system call on it runs between
 * {@link #acquire} and {@link #release}; {@link #close} marks it closed, wakes every thread parked
 * on it, and the real {@code close(2)} happens when the last call in flight leaves. So a descriptor
 * number is never reused under a call still using it, and a thread blocked on a socket that another
 * thread closes gets a {@link SocketClosedException}, never a hang.
 */
public final class Fd {
    private static final int CLOSED = Integer.MIN_VALUE;

    public final int fd;

    /** The CLOSED bit and the number of calls in flight. */
    private final AtomicInteger state = new AtomicInteger();

    /**
     * Set by the one close(2). A call refused on a closed descriptor also brings the count back to
     * CLOSED on its way out; without this flag it would close the number again, by then perhaps
     * another socket's.
     */
    private final AtomicBoolean closedNow = new AtomicBoolean();

    // Set by Poller (under its own registration), read by the final close.
    public volatile boolean inReadPoller;
    public volatile boolean inWritePoller;

    /** Read events its read sub-poller has reported (edge-triggered); written by that one thread only. */
    private volatile int readEvents;

    /**
     * Whether its read sub-poller has reported TCP urgent data (EPOLLPRI), the peer's end of sending
     * (EPOLLRDHUP), a hang-up or an error: a recv(2) may then come back short with more to report.
     */
    private volatile boolean endOrUrgent;

    /** A thread parked on this descriptor: a virtual thread, or a platform thread in poll(2) (its pthread_t). */
    private record Waiter(Thread thread, long pthread, short events) {}

    // Threads parked on this descriptor, and whether close pointed the number at the pre-closed socket;
    // guarded by `this`. A platform waiter removes itself under the lock, so it is alive while close signals it.
    private List<Waiter> waiters;
    private boolean preClosed;

    public Fd(int fd) {
        this.fd = fd;
    }

    /** Marks a call in flight; throws if the descriptor is closed. */
    public void acquire(String syscall) throws SocketClosedException {
        if (state.getAndIncrement() < 0) {
            release();
            throw new SocketClosedException(syscall);
        }
    }

    /** Ends a call; the last one out of a closed descriptor closes it. */
    public void release() {
        if (state.decrementAndGet() == CLOSED) closeNow();
    }

    public boolean isOpen() {
        return state.get() >= 0;
    }

    /** Closes: at once when no call is in flight, else when the last one leaves. Safe to call more than once. */
    public void close() {
        int s;
        do {
            s = state.get();
            if (s < 0) return; // closed already
        } while (!state.compareAndSet(s, s | CLOSED));
        wakeAll();
        if (s == 0) closeNow();
    }

    private void closeNow() {
        if (!closedNow.compareAndSet(false, true)) return; // closed already: the number is no longer ours
        forgetPollers();
        Libc.close(fd); // Linux frees the descriptor even when close reports EINTR or EIO.
    }

    /**
     * Parks the calling thread until the descriptor is ready for {@code events} (POLLIN or POLLOUT),
     * the deadline ({@link System#nanoTime()}; 0 for none) passes, or the descriptor is closed. A
     * virtual thread parks and the poller wakes it; a platform thread waits in poll(2).
     *
     * Returns also on a spurious wake-up: the caller retries its call and checks its deadline.
     *
     * @param seen for POLLIN, {@link #readEvents()} read before the call that would have blocked: a
     *        virtual thread does not park if a read event has come since (its registration is
     *        edge-triggered, so that event will not come again)
     */
    public void await(short events, long deadline, String syscall, int seen) throws IOException {
        Thread self = Thread.currentThread();
        if (self.isVirtual()) {
            Poller poller = Poller.of(this, events);
            Waiter w = addWaiter(self, 0, events);
            try {
                if (!isOpen()) throw new SocketClosedException(syscall);
                poller.arm(this);
                if (events == Constants.POLLIN && readEvents != seen) {
                    // Ready since the caller's try (a waiter added before this read would have been unparked): try again.
                } else if (deadline == 0) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left > 0) LockSupport.parkNanos(this, left);
                }
            } finally {
                removeWaiter(w);
            }
        } else {
            if (!Wakeup.ready()) {
                // No descriptor for the pre-closed socket yet (EMFILE/ENFILE): wait in short slices of
                // poll(2); the caller's retry comes back here, and sees a close within a slice.
                if (!isOpen()) throw new SocketClosedException(syscall);
                Wakeup.pollSlice(fd, events, deadline);
                if (!isOpen()) throw new SocketClosedException(syscall);
                return;
            }
            Waiter w = addWaiter(null, Wakeup.self(), events);
            try {
                if (!isOpen()) throw new SocketClosedException(syscall);
                Wakeup.poll(fd, events, deadline);
            } finally {
                removeWaiter(w);
            }
        }
        if (!isOpen()) throw new SocketClosedException(syscall);
        if (self.isInterrupted()) throw new InterruptedIOException(syscall + " interrupted");
    }

    /** Waits for writing (POLLOUT), as {@link #await(short, long, String, int)}; reads must give what they have seen. */
    public void await(short events, long deadline, String syscall) throws IOException {
        if (events == Constants.POLLIN) throw new IllegalArgumentException("a read waits with the read events it has seen");
        await(events, deadline, syscall, 0);
    }

    /** {@return the read events reported so far}: read it before a call that may find nothing, and give it to {@link #await(short, long, String, int)} */
    public int readEvents() {
        return readEvents;
    }

    /**
     * {@return whether urgent data, the end of the peer's sending, a hang-up or an error has been
     * reported} (by the read sub-poller, once this descriptor has waited there). Then a short recv(2)
     * does not mean that the next one would find nothing: it stops at an urgent mark with data still
     * queued, and after the last bytes the end of stream (or the error) is a state that the next recv
     * reports at once, while its event came before and will not come again.
     */
    public boolean endOrUrgent() {
        return endOrUrgent;
    }

    /** Called by this descriptor's read sub-poller for each read event: counts it, then unparks the readers. */
    void readReady(int epollEvents) {
        // Before the count: a reader that sees the event sees this.
        if ((epollEvents & (Constants.EPOLLPRI | Constants.EPOLLRDHUP | Constants.EPOLLHUP | Constants.EPOLLERR)) != 0) endOrUrgent = true;
        readEvents++; // this sub-poller's thread is the one writer; the count is written before the waiters are read
        unparkVirtual(Constants.POLLIN);
    }

    /**
     * The registration a platform thread's calls that wait in the kernel use ({@link #beginCall}):
     * made once per thread and kept by it, as a call of its would otherwise make one per call.
     *
     * @param pthread the thread, as {@link Wakeup#self()} names it
     * @return what {@link #beginCall} takes, for that thread only
     */
    static Object callWaiter(long pthread) {
        return new Waiter(null, pthread, (short) 0);
    }

    /**
     * Before a call that waits in the kernel itself on a platform thread (recv or send on a socket in
     * blocking mode, see {@link InCall}): registers the thread, so that {@link #close} interrupts the
     * call as it interrupts poll(2) (the pre-closed socket, then the signal; see {@link Wakeup}).
     * Only once {@link Wakeup#ready()} returned true. Each one is followed by {@link #endCall}.
     *
     * @param waiter the calling thread's {@link #callWaiter}; a thread makes one call at a time
     */
    void beginCall(Object waiter, String syscall) throws SocketClosedException {
        Waiter w = (Waiter) waiter;
        addWaiter(w);
        if (!isOpen()) {
            removeWaiter(w);
            throw new SocketClosedException(syscall);
        }
    }

    /**
     * After the call: unregisters the thread, and throws if the descriptor was closed meanwhile and the
     * call moved nothing (its 0 or error may be the pre-closed socket's; bytes moved are kept, as the
     * JDK keeps them).
     */
    void endCall(Object waiter, long result, String syscall) throws SocketClosedException {
        removeWaiter((Waiter) waiter);
        if (result <= 0 && !isOpen()) throw new SocketClosedException(syscall);
    }

    private Waiter addWaiter(Thread thread, long pthread, short events) {
        Waiter w = new Waiter(thread, pthread, events);
        addWaiter(w);
        return w;
    }

    private synchronized void addWaiter(Waiter w) {
        if (waiters == null) waiters = new ArrayList<>(2);
        waiters.add(w);
    }

    /** Removes {@code w} itself (not an equal one: a thread's call waiter is the same record each time). */
    private synchronized void removeWaiter(Waiter w) {
        for (int i = waiters.size() - 1; i >= 0; i--) {
            if (waiters.get(i) == w) {
                waiters.remove(i);
                return;
            }
        }
    }

    /**
     * Called by a poller when the descriptor is ready for {@code events}: unparks every virtual thread
     * waiting for them (several may wait, e.g. virtual threads sharing one listener; those that find
     * nothing park again).
     */
    public void unparkVirtual(short events) {
        Thread[] ready;
        int n = 0;
        synchronized (this) {
            if (waiters == null || waiters.isEmpty()) return;
            ready = new Thread[waiters.size()];
            for (Waiter w : waiters) {
                if (w.events == events && w.thread != null) ready[n++] = w.thread;
            }
        }
        for (int i = 0; i < n; i++) LockSupport.unpark(ready[i]);
    }

    /**
     * Wakes every waiter of a descriptor just marked closed. Platform threads in poll(2) are woken as
     * {@link Wakeup} tells, under the lock: a waiter leaves only through {@link #removeWaiter}, so none
     * can end (and free its pthread) while it is signalled, and the blocked calls keep the number ours.
     */
    private synchronized void wakeAll() {
        if (waiters == null || waiters.isEmpty()) return;
        for (Waiter w : waiters) {
            if (w.thread != null) {
                LockSupport.unpark(w.thread);
                continue;
            }
            if (!preClosed) {
                preClosed = true;
                forgetPollers(); // while the number still names this socket: after dup2 it names another
                Wakeup.preClose(fd);
            }
            Wakeup.wake(w.pthread);
        }
    }

    private void forgetPollers() {
        Poller.forget(this);
    }
}
