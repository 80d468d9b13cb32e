package io.jsock.cli;

import io.jsock.server.Server;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers one {@code jsock serve} runs, one per endpoint: started one after the other (a failure
 * closes the ones already started), stopped all at once (each gets the whole grace period, not a
 * share of it).
 */
final class Servers implements AutoCloseable {
    /** Every server started so far, in --bind order. Guarded by this. */
    private final List<Server> servers = new ArrayList<>();
    /** Set by the first {@link #close()}; guarded by this. */
    private boolean closing;

    /**
     * Adds a server that has started, to be closed with the others; or closes it at once when the group
     * is closing already (a signal came while it started).
     *
     * @return true if it was added; false if it was closed
     */
    boolean add(Server s) {
        synchronized (this) {
            if (!closing) {
                servers.add(s);
                return true;
            }
        }
        s.close();
        return false;
    }

    synchronized List<Server> all() {
        return List.copyOf(servers);
    }

    /** {@return connections being served now, by every server of this process} */
    int activeConnections() {
        int n = 0;
        for (Server s : all()) n += s.activeConnections();
        return n;
    }

    /** Closes every server in a thread of its own and returns when all have finished. Safe to call more than once. */
    @Override
    public void close() {
        List<Server> all;
        synchronized (this) {
            closing = true;
            all = List.copyOf(servers);
        }
        for (Server s : all) Thread.ofPlatform().name("jsock-stop-" + s.endpoint()).start(s::close);
        awaitClosed(); // each close runs to its end: the wait keeps an interrupt for later, as Server.awaitClosed does
    }

    /** Blocks until every server has been closed (by {@link #close()} or otherwise). */
    void awaitClosed() {
        for (Server s : all()) s.awaitClosed();
    }
}
