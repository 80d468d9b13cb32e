package io.jsock.server.threads;

import io.jsock.socket.Accepted;
import io.jsock.socket.Socket;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * The accept loop's next connection, taken from the kernel's completed queue in bursts: each call
 * first accepts what the kernel has queued (accept(2) until EAGAIN, up to {@link #MAX_TAKEN}), so that
 * the listen queue empties between two threads started, then hands out the oldest. Blocks in
 * accept only when nothing is queued anywhere. For the accept thread alone.
 */
final class Backlog {
    /** The most connections held ahead of their threads. */
    static final int MAX_TAKEN = 1024;

    private final Socket listener;
    private final ArrayDeque<Accepted> taken = new ArrayDeque<>();

    Backlog(Socket listener) {
        this.listener = listener;
    }

    /** The next connection; blocks while none is queued. Throws as accept does when none is held. */
    Accepted next() throws IOException {
        try {
            while (taken.size() < MAX_TAKEN) {
                Accepted a = listener.tryAccept();
                if (a == Accepted.UNAVAILABLE) break;
                taken.add(a);
            }
        } catch (IOException e) {
            if (taken.isEmpty()) throw e; // EMFILE, closed, ...: the loop backs off or ends
        }
        Accepted a = taken.poll();
        return a != null ? a : listener.accept();
    }

    /** Closes the connections taken but never handed out (the server stops). */
    void closeTaken() {
        for (Accepted a = taken.poll(); a != null; a = taken.poll()) a.socket().close();
    }
}
