package io.jsock.socket.process;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedTransferQueue;

/**
 * The one thread that spawns the children that must die with this process by the parent-death
 * signal ({@link ChildProcess.Builder#dieWithParent()} without a process group). Linux sends it when
 * the <em>thread</em> that spawned the child ends (prctl(2)), not the process: so they are all
 * spawned here, on a platform thread that never ends before the JVM does, and not on a server's
 * accept thread, whose end at a stop would kill the children the grace period lets finish. (A
 * child registered with the {@link Guardian} is watched with the process instead, and is spawned by
 * its caller's thread: no hand-off between threads per connection.)
 */
final class Spawner implements Runnable {
    static final Spawner INSTANCE = new Spawner();

    private final LinkedTransferQueue<FutureTask<ChildProcess>> tasks = new LinkedTransferQueue<>();
    private final Thread thread;

    private Spawner() {
        thread = Thread.ofPlatform().daemon().name("jsock-spawner").unstarted(this);
        thread.start();
    }

    /** Runs {@code spawn} on the spawner thread and waits for it; throws what it threw. */
    ChildProcess call(Callable<ChildProcess> spawn) throws IOException {
        if (Thread.currentThread() == thread) {
            try {
                return spawn.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        FutureTask<ChildProcess> task = new FutureTask<>(spawn);
        tasks.add(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get(); // a spawn takes a moment and cannot be called off half-way: wait it out
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case IOException io -> throw io;
                        case RuntimeException re -> throw re;
                        case Error err -> throw err;
                        default -> throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (true) {
            try {
                tasks.take().run(); // FutureTask.run keeps every Throwable for its caller: this loop never ends
            } catch (InterruptedException e) {
                // nobody interrupts this thread; keep serving
            }
        }
    }
}
