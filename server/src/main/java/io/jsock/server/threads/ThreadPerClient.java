package io.jsock.server.threads;

import io.jsock.server.serving.Design;
import io.jsock.server.serving.Serving;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code thread} and {@code virtual}: one accept thread; each connection gets a new thread of its
 * own, a named platform thread (UNP 26.4) or a virtual thread.
 */
public final class ThreadPerClient implements Design {
    private final Thread.Builder perClient;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private Thread acceptor;
    private Serving serving;

    private ThreadPerClient(Thread.Builder perClient) {
        this.perClient = perClient;
    }

    /**
     * The design of {@code thread}.
     *
     * @return a design whose connection threads are platform threads {@code jsock-conn-<n>}
     */
    public static ThreadPerClient platform() {
        return new ThreadPerClient(Thread.ofPlatform().name("jsock-conn-", 0));
    }

    /**
     * The design of {@code virtual} (and of a prefork worker serving a Java handler).
     *
     * @return a design whose connection threads are virtual threads {@code jsock-conn-<n>}
     */
    public static ThreadPerClient virtual() {
        return new ThreadPerClient(Thread.ofVirtual().name("jsock-conn-", 0));
    }

    @Override
    public void start(Serving serving) {
        this.serving = serving;
        acceptor = Thread.ofPlatform().name("jsock-accept").start(() -> serving.acceptLoop(accepted -> {
            Thread t = perClient.unstarted(() -> {
                try {
                    serving.serve(accepted);
                } finally {
                    live.remove(Thread.currentThread());
                }
            });
            live.add(t);
            t.start();
        }));
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        serving.finish(deadline, List.of(acceptor));
        for (Thread t : live) t.join(); // handlers were forced to end by finish: these joins are short
    }
}
