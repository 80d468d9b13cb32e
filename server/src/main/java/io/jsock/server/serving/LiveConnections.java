package io.jsock.server.serving;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The registry of the connections being served, by id: each is added when accepted and removed
 * when its closed line is written, and shutdown waits for it to empty ({@link #awaitEmpty}).
 * Thread-safe.
 */
final class LiveConnections {
    private final Map<Long, LiveConnection> byId = new ConcurrentHashMap<>();

    // Signalled (under lock) each time the registry becomes empty.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();

    void add(LiveConnection c) {
        byId.put(c.id(), c);
    }

    void remove(LiveConnection c) {
        byId.remove(c.id());
        if (!byId.isEmpty()) return;
        lock.lock();
        try {
            emptied.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        return byId.size();
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    /** A live view: connections come and go while it is read. */
    Collection<LiveConnection> all() {
        return byId.values();
    }

    /**
     * Waits until no connection is live, or until {@code deadline} ({@link System#nanoTime()});
     * returns whether none is. No wake-up is lost: {@link #remove} signals under the lock after its
     * removal, and this looks at the registry under the same lock before each wait.
     */
    boolean awaitEmpty(long deadline) throws InterruptedException {
        lock.lock();
        try {
            while (!byId.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                emptied.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return byId.values().toString();
    }
}
