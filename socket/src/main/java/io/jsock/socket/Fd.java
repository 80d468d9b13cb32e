package io.jsock.socket;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One descriptor with one owner, closed exactly once. Every system call on it runs between
 * {@link #acquire} and {@link #release}; {@link #close} marks it closed, wakes every thread parked
 * on it, and the real {@code close(2)} happens when the last call in flight leaves. So a descriptor
 * number is never reused under a call still using it, and a thread blocked on a socket that another
 * thread closes gets a {@link SocketClosedException}, never a hang.
 */
final class Fd {
    private static final int CLOSED = Integer.MIN_VALUE;

    final int fd;

    /** The CLOSED bit and the number of calls in flight. */
    private final AtomicInteger state = new AtomicInteger();

    // Set by Poller (under its own registration), read by the final close.
    volatile boolean inReadPoller;
    volatile boolean inWritePoller;

    // Threads parked on this descriptor; guarded by `this`.
    private List<Object> waiters;

    Fd(int fd) {
        this.fd = fd;
    }

    /** Marks a call in flight; throws if the descriptor is closed. */
    void acquire(String syscall) throws SocketClosedException {
        if (state.getAndIncrement() < 0) {
            release();
            throw new SocketClosedException(syscall);
        }
    }

    /** Ends a call; the last one out of a closed descriptor closes it. */
    void release() {
        if (state.decrementAndGet() == CLOSED) closeNow();
    }

    boolean isOpen() {
        return state.get() >= 0;
    }

    /** Closes: at once when no call is in flight, else when the last one leaves. Safe to call more than once. */
    void close() {
        int s;
        do {
            s = state.get();
            if (s < 0) return; // closed already
        } while (!state.compareAndSet(s, s | CLOSED));
        wakeAll();
        if (s == 0) closeNow();
    }

    private void closeNow() {
        if (inReadPoller) Poller.READ.forget(this);
        if (inWritePoller) Poller.WRITE.forget(this);
        Libc.close(fd); // Linux frees the descriptor even when close reports EINTR or EIO.
    }

    /**
     * Parks the calling thread until the descriptor is ready for {@code events} (POLLIN or POLLOUT),
     * the deadline ({@link System#nanoTime()}; 0 for none) passes, or the descriptor is closed. A
     * virtual thread parks and the poller wakes it; a platform thread waits in poll(2).
     *
     * Returns also on a spurious wake-up: the caller retries its call and checks its deadline.
     */
    void await(short events, long deadline, String syscall) throws IOException {
        Thread self = Thread.currentThread();
        if (self.isVirtual()) {
            Poller poller = events == Constants.POLLIN ? Poller.READ : Poller.WRITE;
            addWaiter(self);
            try {
                if (!isOpen()) throw new SocketClosedException(syscall);
                poller.arm(this, events, self);
                try {
                    if (deadline == 0) {
                        LockSupport.park(this);
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left > 0) LockSupport.parkNanos(this, left);
                    }
                } finally {
                    poller.disarm(this, self);
                }
            } finally {
                removeWaiter(self);
            }
        } else {
            Wakeup wakeup = Wakeup.current();
            addWaiter(wakeup);
            try {
                if (!isOpen()) throw new SocketClosedException(syscall);
                wakeup.poll(fd, events, deadline);
            } finally {
                removeWaiter(wakeup);
            }
        }
        if (!isOpen()) throw new SocketClosedException(syscall);
        if (self.isInterrupted()) throw new InterruptedIOException(syscall + " interrupted");
    }

    private synchronized void addWaiter(Object w) {
        if (waiters == null) waiters = new ArrayList<>(2);
        waiters.add(w);
    }

    private synchronized void removeWaiter(Object w) {
        waiters.remove(w);
    }

    private void wakeAll() {
        Object[] all;
        synchronized (this) {
            if (waiters == null || waiters.isEmpty()) return;
            all = waiters.toArray();
        }
        for (Object w : all) {
            if (w instanceof Thread t) LockSupport.unpark(t);
            else ((Wakeup) w).wake();
        }
    }
}
