package io.jsock.server.serving;

import io.jsock.server.Admission;
import io.jsock.server.LogEvent;
import io.jsock.socket.Accepted;
import io.jsock.socket.Linger;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A server's limits at work ({@link Limits}): admission of each accepted connection before any byte
 * is read, the sweep that ends connections past their idle timeout or deadline, and the wait for the
 * privilege drop before the first accept. One per {@link Serving}; every model goes through it.
 */
public final class Limiter {
    // Set at construction; never change.
    private final Serving serving;
    private final Admission admission; // null: everyone admitted
    private final Expiry expiry;       // null: no idle timeout, no deadline
    private final io.jsock.socket.process.Credentials runAs; // null: no drop to wait for

    // Set by the design before it starts; read by the sweeping thread.
    private volatile Consumer<LiveConnection> onExpire = c -> {};

    // Guarded by `this`: ends timed-out connections of the designs that run the accept loop; null for the others.
    private Thread sweeper;

    Limiter(Serving serving) {
        this.serving = serving;
        Limits limits = serving.config.limits() == null ? Limits.NONE : serving.config.limits();
        this.admission = limits.admission() == null || limits.admission().isEmpty() ? null : limits.admission();
        this.expiry = limits.timed() ? new Expiry(limits) : null;
        this.runAs = limits.runAs();
    }

    /**
     * Asks the admission about a connection just accepted, before any byte is read. A refused one is
     * closed at once with RST (SO_LINGER 0: the client reads ECONNRESET, not an empty answer it could
     * take for the service's, and the server keeps no TIME_WAIT for it) and logged with the reason;
     * the caller gives back the slot it took for it.
     *
     * @param a the connection
     * @return true to serve it (it counts against its source until {@link #release}); false when it
     *     was refused (and is closed)
     */
    public boolean admit(Accepted a) {
        if (admission == null) return true;
        String why = admission.admit(a.peer());
        if (why == null) return true;
        try {
            a.socket().setOption(SockOpt.SO_LINGER, Linger.on(0));
        } catch (IOException gone) {
            // reset already: closing is all that is left
        }
        SockAddr local = null;
        if (serving.config.log() != null) {
            try {
                local = a.socket().getsockname();
            } catch (IOException gone) {
                // nothing to name
            }
        }
        a.socket().close();
        if (serving.config.log() != null) serving.config.log().accept(LogEvent.refused(serving.nextId(), a.peer(), local, why));
        return false;
    }

    /** An admitted connection ended: its source may have another. */
    void release(SockAddr peer) {
        if (admission != null) admission.release(peer);
    }

    /**
     * Why a connection must end now (its idle timeout or deadline), for an event loop that sweeps
     * its own connections.
     *
     * @param c   a live connection
     * @param now {@link System#nanoTime()}
     * @return {@code idle timeout 30s}, {@code deadline 5m}; null when it may go on (or nothing is timed)
     */
    public String due(LiveConnection c, long now) {
        return expiry == null ? null : expiry.due(c, now);
    }

    /**
     * Marks a connection that ran past its idle timeout or deadline as ended by that limit, for an
     * event loop that then ends it itself (its closed line says why).
     *
     * @param c   a live connection
     * @param now {@link System#nanoTime()}
     * @return why it must end now, the first time; null when it may go on, or a limit ended it already
     */
    public String expired(LiveConnection c, long now) {
        String why = due(c, now);
        return why != null && c.endBy(why) ? why : null;
    }

    /**
     * How often an event loop should sweep its connections for {@link #due}.
     *
     * @return milliseconds; -1 when nothing is timed
     */
    public long sweepMillis() {
        return expiry == null ? -1 : expiry.tickMillis();
    }

    /**
     * What the design does to a connection that timed out, beside shutting its socket down (the
     * process model: signal the child's process group).
     *
     * @param action called once per expired connection, on the sweeping thread
     */
    public void onExpire(Consumer<LiveConnection> action) {
        this.onExpire = action;
    }

    /**
     * Starts the sweep (nothing without timeouts; once): every {@link Expiry#tickMillis} it looks at
     * each live connection and ends those past a limit, until {@code done} or {@link #stopSweeper}.
     */
    synchronized void startSweeper(Supplier<Collection<LiveConnection>> live, BooleanSupplier done) {
        if (expiry == null || sweeper != null || done.getAsBoolean()) return;
        sweeper = Thread.ofVirtual().name("jsock-timeouts").start(() -> {
            try {
                while (!done.getAsBoolean()) {
                    Thread.sleep(expiry.tickMillis());
                    long now = System.nanoTime();
                    for (LiveConnection c : live.get()) {
                        String why = expiry.due(c, now);
                        if (why != null) expire(c, why);
                    }
                }
            } catch (InterruptedException stopped) {
                // stopSweeper
            }
        });
    }

    /** Ends the sweep and waits for it (briefly). */
    void stopSweeper() throws InterruptedException {
        Thread s;
        synchronized (this) {
            s = sweeper;
        }
        if (s != null) {
            s.interrupt();
            s.join(Duration.ofSeconds(1));
        }
    }

    /**
     * Ends a connection that ran past a limit: its closed line will say {@code why}; its socket is
     * shut down both ways (the handler's blocked read sees EOF, its blocked write EPIPE; a child
     * holding it the same), and the design's {@link #onExpire} action runs. Once per connection.
     */
    private void expire(LiveConnection c, String why) {
        if (!c.endBy(why)) return; // already ending
        try {
            c.socket().shutdown(Shutdown.BOTH);
        } catch (IOException gone) {
            // closed or reset meanwhile: it is ending anyway
        }
        onExpire.accept(c);
    }

    /**
     * Whether the accept loops may take connections: not before the server has dropped to the
     * user it runs as (clients wait in the kernel's queue meanwhile).
     *
     * @return true without a user to drop to, or once dropped
     */
    public boolean mayAccept() {
        return runAs == null || runAs.applied();
    }

    /** Blocks until {@link #mayAccept} (true) or {@code stopping} (false). */
    boolean awaitMayAccept(BooleanSupplier stopping) {
        try {
            while (!mayAccept()) {
                if (stopping.getAsBoolean()) return false;
                runAs.awaitApplied(Duration.ofMillis(100));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
