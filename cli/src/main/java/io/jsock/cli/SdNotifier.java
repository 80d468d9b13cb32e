package io.jsock.cli;

import io.jsock.socket.Socket;
import io.jsock.socket.activation.SdNotify;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * What {@code jsock serve} tells systemd through {@link SdNotify}: READY=1 once every server accepts,
 * STATUS= with the connection count when it changes (at most once a second), WATCHDOG=1 every half
 * WATCHDOG_USEC, STOPPING=1 at SIGINT/SIGTERM; FDSTORE=1 for the listeners it bound ({@link FdStore}). A failed send is said once on standard error; serving
 * goes on.
 */
final class SdNotifier implements AutoCloseable {
    private static final long STATUS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SdNotify notify;
    private final IntSupplier connections; // null: this process does not count them (prefork's workers do)
    private final PrintWriter err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread ticker; // guarded by this
    private volatile boolean failedOnce;

    /** @param connections the connection count, or null when this process has none to tell */
    SdNotifier(SdNotify notify, IntSupplier connections, PrintWriter err) {
        this.notify = notify;
        this.connections = connections;
        this.err = err;
    }

    /**
     * Sends READY=1 and a first STATUS=, then keeps STATUS= and WATCHDOG=1 going on a thread of its
     * own; nothing once {@link #stopping()} has been called (a signal came while the servers started).
     */
    synchronized void ready() {
        if (stop.getCount() == 0) return;
        send("READY=1");
        int now = connections == null ? -1 : connections.getAsInt();
        send("STATUS=" + status(now));
        ticker = Thread.ofPlatform().daemon().name("jsock-sd-notify").start(() -> tick(now));
    }

    private static String status(int connections) {
        return connections < 0 ? "serving (the workers count their connections)" : "serving; " + connections + " connection(s)";
    }

    /** STATUS= when the count changed and a second has passed since the last one; WATCHDOG=1 when due. */
    private void tick(int told) {
        Duration watchdog = notify.watchdogInterval().orElse(null);
        long step = watchdog == null ? STATUS_EVERY_NANOS : Math.min(STATUS_EVERY_NANOS, watchdog.toNanos());
        long lastStatus = System.nanoTime(), nextWatchdog = watchdog == null ? Long.MAX_VALUE : System.nanoTime();
        try {
            while (!stop.await(step, TimeUnit.NANOSECONDS)) {
                long now = System.nanoTime();
                if (watchdog != null && now - nextWatchdog >= 0) {
                    send("WATCHDOG=1");
                    nextWatchdog = now + watchdog.toNanos();
                }
                if (connections != null && now - lastStatus >= STATUS_EVERY_NANOS) {
                    int count = connections.getAsInt();
                    if (count != told) {
                        send("STATUS=" + status(count));
                        told = count;
                        lastStatus = now;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // ends the thread; the process is stopping
        }
    }

    /** STOPPING=1, once the stop has begun; the ticker stops with it. */
    synchronized void stopping() {
        stop.countDown();
        send("STOPPING=1");
    }

    /** FDSTORE=1: systemd keeps {@code listener} across a restart of the unit, under {@code name}. */
    void store(String name, Socket listener) {
        try {
            notify.store(name, List.of(listener));
        } catch (IOException e) {
            failed("FDSTORE", e);
        }
    }

    /** FDSTOREREMOVE=1: systemd closes what it keeps under {@code name}. */
    void removeFromStore(String name) {
        send("FDSTOREREMOVE=1\nFDNAME=" + name);
    }

    private void send(String state) {
        try {
            notify.send(state);
        } catch (IOException e) {
            failed(state.substring(0, state.indexOf('=')), e);
        }
    }

    private void failed(String variable, IOException e) {
        if (failedOnce) return; // said once; systemd will see what it does not get
        failedOnce = true;
        synchronized (err) {
            err.println("jsock: sd_notify " + variable + ": " + e.getMessage());
            err.flush();
        }
    }

    /** Stops the ticker and closes the client's socket. */
    @Override
    public void close() {
        stop.countDown();
        Thread ticker;
        synchronized (this) {
            ticker = this.ticker;
        }
        if (ticker != null) {
            try {
                ticker.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        notify.close();
    }
}
