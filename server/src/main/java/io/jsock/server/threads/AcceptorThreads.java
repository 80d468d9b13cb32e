package io.jsock.server.threads;

import io.jsock.server.serving.Design;
import io.jsock.server.serving.Serving;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code iterative} and {@code pool:N}: N platform threads each run the accept loop and serve the
 * connection they accepted before accepting again. With N = 1 this is UNP's iterative server: the
 * next client waits in the kernel's completed queue. With N > 1 it is the prethreaded server of UNP
 * 30.11: the threads block in accept on the one listener and the kernel hands each connection to one.
 */
public final class AcceptorThreads implements Design {
    private final int n;
    private final String name;
    private final List<Thread> threads = new ArrayList<>();
    private Serving serving;

    /**
     * The design of {@code iterative} (n = 1) or {@code pool:n}.
     *
     * @param n    the number of threads
     * @param name the thread's name, or with n &gt; 1 the prefix of {@code name-<i>}
     */
    public AcceptorThreads(int n, String name) {
        this.n = n;
        this.name = name;
    }

    @Override
    public void start(Serving serving) {
        this.serving = serving;
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofPlatform().name(n == 1 ? name : name + "-" + i).start(
                    () -> serving.acceptLoop(serving::serve)));
        }
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        serving.finish(deadline, threads);
    }
}
