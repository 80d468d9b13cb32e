package io.jsock.server.uring;

import io.jsock.server.Model;
import io.jsock.server.epoll.EventLoops;
import io.jsock.server.event.EventHandler;
import io.jsock.server.serving.Design;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Socket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code uring:N}: N event loops ({@link RingLoop}), each a platform thread {@code jsock-uring-<i>} with
 * an io_uring of its own, serving {@link EventHandler}s. The listeners are shared out as
 * {@code epoll:N} does it ({@link EventLoops}): with N &gt; 1 on TCP without a cap, a listener per loop
 * with SO_REUSEPORT; otherwise every loop accepts from a duplicate of the server's listener (io_uring's
 * accept waits exclusively, so a connection wakes one ring).
 *
 * <p>Each loop makes its ring on its own thread (with IORING_SETUP_SINGLE_ISSUER only that thread may
 * use it) and {@link #start} waits until every ring is made: a kernel that refuses io_uring fails the
 * start with one line naming io_uring_setup and its errno.
 */
public final class UringLoops implements Design {
    /** How long {@link #start} waits for a loop to make its ring: a hang guard, the ring takes a millisecond. */
    private static final long START_SECONDS = 30;

    private final int n;
    private final List<RingLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * The design of {@code uring:n}.
     *
     * @param model the model: its size is the number of loops
     */
    public UringLoops(Model.Uring model) {
        this.n = model.size();
    }

    @Override
    public void start(Serving serving) throws IOException {
        EventHandler.Factory factory = EventLoops.factoryFor(serving.config);
        boolean reusePort = serving.config.perLoopListeners();
        RingLoop.Settings settings = RingLoop.Settings.fromProperties();
        boolean success = false;
        try {
            for (int i = 0; i < n; i++) {
                Socket listener = i > 0 && reusePort ? EventLoops.reusePortListener(serving) : serving.listener().dup();
                loops.add(new RingLoop(i, serving, this, factory, listener, settings));
            }
            for (RingLoop loop : loops) threads.add(Thread.ofPlatform().name("jsock-uring-" + loop.index).start(loop));
            for (RingLoop loop : loops) awaitStarted(loop);
            success = true;
        } finally {
            if (!success) {
                for (RingLoop loop : loops) loop.turns.requestStop(System.nanoTime());
                for (RingLoop loop : loops) loop.discardIfNotStarted();
                joinQuietly();
                loops.clear();
                threads.clear();
            }
        }
    }

    private static void awaitStarted(RingLoop loop) throws IOException {
        try {
            loop.started.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("jsock-uring-" + loop.index + " did not make its io_uring in " + START_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the io_uring loops started");
        }
    }

    private void joinQuietly() {
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(START_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        for (RingLoop loop : loops) loop.turns.requestStop(deadline);
        for (Thread t : threads) t.join();
    }

    /** A connection slot freed on {@code from}: wake the other loops that stopped accepting at the cap. */
    void slotFreed(RingLoop from) {
        for (RingLoop loop : loops) {
            if (loop != from && loop.turns.waitingForSlot()) loop.turns.wake();
        }
    }
}
