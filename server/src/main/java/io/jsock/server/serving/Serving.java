package io.jsock.server.serving;

import io.jsock.server.Connection;
import io.jsock.server.LogEvent;
import io.jsock.server.proxy.ProxyHeader;
import io.jsock.server.proxy.ProxyHeaderReader;
import io.jsock.server.proxy.ProxyProtocolException;

import io.jsock.socket.Accepted;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.TcpInfo;
import io.jsock.socket.TcpState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What every design shares, written once: the accept loop (with the connection cap and the
 * recovery from accept's failures), serving one connection (the handler's try/finally), the
 * registry of live connections, and the ordered finish at shutdown.
 */
public final class Serving {
    private static final System.Logger LOG = System.getLogger("io.jsock.server");

    // Set at construction; never change.
    /** The server's configuration, as the builder gathered it. */
    public final ServerConfig config;
    /** The listening socket (a prefork worker's: its inherited descriptor 3). */
    public final Socket listener;
    private final Semaphore slots; // null: no cap
    private final Limiter limiter;

    // Set before the design starts (a prefork worker's own way to wait); read by the accept loop.
    private volatile Accept accept;

    // Live state, thread-safe by construction.
    private final LiveConnections live = new LiveConnections();

    /**
     * Connections the accept loop handed on that are not registered yet: a design that gives each its
     * own thread registers it there ({@link #admit}), later than the hand-over. The grace period waits
     * for these too, or a stop in between would close them unserved (the client: ECONNRESET).
     */
    private final java.util.Set<Socket> handedOver = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger acceptLoops = new AtomicInteger(); // threads in acceptLoop: those markStopping may have to wake
    private volatile boolean stopping;
    private volatile boolean forced; // the grace period is over: connections are closed, not served

    /**
     * The accept loop and registry of one server (or one prefork worker).
     *
     * @param config   the configuration; its cap sizes the slots
     * @param listener the listening socket, which the accept loop takes from until it is closed
     */
    public Serving(ServerConfig config, Socket listener) {
        this.config = config;
        this.listener = listener;
        this.slots = config.maxConnections() > 0 ? new Semaphore(config.maxConnections()) : null;
        this.accept = listener::accept;
        this.limiter = new Limiter(this);
    }

    /**
     * Admission, timeouts and the wait for the privilege drop, for the designs that accept or sweep
     * on their own (the event loops).
     *
     * @return the server's limiter
     */
    public Limiter limiter() {
        return limiter;
    }

    /** How the accept loop takes one connection: blocks until one is complete; throws once the listener is closed. */
    @FunctionalInterface
    public interface Accept {
        /**
         * The next connection.
         *
         * @return the accepted connection; never null
         * @throws io.jsock.socket.SocketClosedException once the listener is closed: the loop ends
         * @throws IOException when accept(2) fails: the loop retries or backs off
         */
        Accepted next() throws IOException;
    }

    /**
     * Replaces {@code listener.accept()} in the accept loop (before the design starts).
     *
     * @param accept how to take the next connection
     */
    public void acceptWith(Accept accept) {
        this.accept = accept;
    }

    /**
     * The listening socket.
     *
     * @return {@link #listener}
     */
    public Socket listener() {
        return listener;
    }

    /**
     * Whether the shutdown has begun.
     *
     * @return true once {@link #markStopping} was called
     */
    public boolean stopping() {
        return stopping;
    }

    /**
     * A new connection number.
     *
     * @return the next number, from 1
     */
    public long nextId() {
        return ids.incrementAndGet();
    }

    /**
     * Connections registered and not yet closed.
     *
     * @return the count now
     */
    public int liveCount() {
        return live.size();
    }

    /**
     * UNP's {@code for (;;) { connfd = accept(...); doit(connfd); }}, once for every design. At the
     * connection cap it stops accepting (as tcpserver -c does): further clients complete their
     * handshake in the kernel's queue and are served when a slot frees. Returns when the listener
     * is closed. Never stops on, or spins over, a failing accept.
     *
     * @param dispatch what the design does with each connection (serve it here, start a thread or a
     *     process); it owns the connection's slot until {@link #closed}. If it throws, the connection
     *     is closed and its slot given back
     */
    public void acceptLoop(Consumer<Accepted> dispatch) {
        acceptLoops.incrementAndGet(); // before the first look at stopping: markStopping wakes us or we see it
        limiter.startSweeper(live::all, () -> stopping && live.isEmpty());
        try {
            acceptUntilStopped(dispatch);
        } finally {
            acceptLoops.decrementAndGet();
        }
    }

    private void acceptUntilStopped(Consumer<Accepted> dispatch) {
        if (!limiter.awaitMayAccept(() -> stopping)) return;
        AcceptBackoff backoff = new AcceptBackoff(this);
        while (!stopping) {
            if (!takeSlot()) return;
            Accepted a;
            try {
                a = accept.next();
                backoff.succeeded();
            } catch (SocketClosedException closed) {
                giveSlot(); // the listener is closed: shutting down
                return;
            } catch (IOException e) {
                giveSlot(); // nothing was accepted
                if (stopping) return;
                recover(e, backoff);
                continue;
            } catch (LinkageError | OutOfMemoryError e) {
                giveSlot(); // nothing was accepted
                if (stopping) return;
                // Out of descriptors a class file cannot be opened either; out of memory nothing can be built:
                // both pass when connections end, so back off as for EMFILE rather than lose the accept thread.
                recover(new IOException(e.toString(), e), backoff);
                continue;
            }
            // Behind a PROXY header the source is the header's: admit() decides once it has read it.
            if (config.proxy() == null && !limiter.admit(a)) {
                giveSlot(); // refused: closed at once, never served
                continue;
            }
            handedOver.add(a.socket());
            try {
                dispatch.accept(a);
            } catch (RuntimeException | OutOfMemoryError e) {
                handedOver.remove(a.socket());
                a.socket().close(); // could not hand it on (no thread, no process): this client only
                if (config.proxy() == null) limiter.release(a.peer());
                giveSlot();
                log(Level.WARNING, "dispatch of a connection from " + a.peer() + " failed: " + e);
            }
        }
    }

    /** accept(2) failed: retried at once (true), or after the back-off's pause (false: stopping, when interrupted). */
    private void recover(IOException e, AcceptBackoff backoff) {
        if (AcceptBackoff.retriedAtOnce(AcceptBackoff.errno(e))) return;
        try {
            Thread.sleep(backoff.failed(e.getMessage()));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /**
     * A slot for one more connection without waiting (the epoll model's loops must not block).
     *
     * @return true with a slot taken (give it back with {@link #giveSlot} or {@link #closed}); false at the cap
     */
    public boolean tryTakeSlot() {
        return slots == null || slots.tryAcquire();
    }

    /**
     * Whether a connection could be taken now; a hint: another thread may take it first.
     *
     * @return true without a cap, or with a slot free
     */
    public boolean slotFree() {
        return slots == null || slots.availablePermits() > 0;
    }

    /** Blocks until a slot is free (true) or the server is stopping (false). */
    private boolean takeSlot() {
        if (slots == null) return true;
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (stopping) {
            slots.release(); // a permit of markStopping's (or a slot freed as we stopped): pass it on to the next waiter
            return false;
        }
        return true;
    }

    /** Gives back the slot a connection held (or an accept that produced nothing). */
    public void giveSlot() {
        if (slots != null) slots.release();
    }

    /**
     * Registers a connection served here (or by a child process) so shutdown can find it, and logs
     * its open line. Past the grace period its socket is closed at once.
     *
     * @param a the accepted connection, holding a slot
     * @return its record; end it with {@link #closed} exactly once
     */
    public LiveConnection open(Accepted a) {
        return open(a, null);
    }

    private LiveConnection open(Accepted a, ProxyHeader header) {
        boolean named = header != null && header.hasAddresses();
        LiveConnection c = named ? new LiveConnection(nextId(), a.socket(), header.source(), header.destination(), a.peer())
                : new LiveConnection(nextId(), a.socket(), a.peer());
        live.add(c);
        if (forced) c.socket().close(); // accepted just as the grace period ended: the force may not have seen it
        if (config.log() != null) {
            String via = header == null ? null : named ? "PROXY v" + header.version() + " via " + a.peer()
                    : "PROXY v" + header.version() + " LOCAL";
            config.log().accept(LogEvent.open(c, c.local(), via));
        }
        return c;
    }

    /**
     * The steps between accept and serving, for the designs that may block here (not epoll's loops):
     * with the PROXY protocol on, the source must be trusted and the header must come within its
     * deadline ({@link #readProxyHeader}); then the connection is registered ({@link #open}). Any
     * admission check of the source belongs after the header: the header's source is the client.
     *
     * @param a the accepted connection, holding a slot
     * @return its record (end it with {@link #closed}), or null when it was refused: then its socket
     *     is closed, its line logged and its slot given back
     */
    public LiveConnection admit(Accepted a) {
        try {
            if (config.proxy() == null) return open(a);
            ProxyHeader header;
            try {
                header = readProxyHeader(a);
            } catch (IOException e) {
                refuseHeader(a, e);
                return null;
            }
            return admitWith(a, header);
        } finally {
            handedOver.remove(a.socket()); // after it is registered (or refused): the grace period sees one or the other
        }
    }

    /**
     * After the PROXY header: admission by the header's source (the client), then the open line.
     *
     * @param a      the accepted connection, holding a slot
     * @param header its header, read whole
     * @return its record, or null when the header's source was refused (closed, logged, slot given back)
     */
    LiveConnection admitWith(Accepted a, ProxyHeader header) {
        Accepted source = header.hasAddresses() ? new Accepted(a.socket(), header.source()) : a;
        if (!limiter.admit(source)) {
            giveSlot(); // refused by the header's source: closed at once, never served
            return null;
        }
        return open(a, header);
    }

    /** No (good) PROXY header: closed, a line with -v (a client must not flood the log), its slot given back. */
    void refuseHeader(Accepted a, IOException why) {
        a.socket().close();
        log(Level.DEBUG, a.peer() + " refused: " + why.getMessage());
        giveSlot();
    }

    /**
     * Refuses at once a source that may not send a PROXY header ({@code --proxy-from}).
     *
     * @throws ProxyProtocolException if it may not
     */
    void checkTrusted(Accepted a) throws ProxyProtocolException {
        if (!config.proxy().from().trusts(a.peer())) {
            throw new ProxyProtocolException("PROXY header: source " + a.peer() + " is not in --proxy-from");
        }
    }

    /**
     * The PROXY protocol step, before admission: refuses an untrusted source at once, then reads the
     * header within the deadline (and nothing after it).
     *
     * @param a the accepted connection
     * @return the header; never null
     * @throws ProxyProtocolException if the source may not send one, or the header is bad or late
     * @throws IOException if the connection fails meanwhile
     */
    public ProxyHeader readProxyHeader(Accepted a) throws IOException {
        checkTrusted(a);
        return ProxyHeaderReader.read(a.socket(), config.proxy().deadline());
    }

    /**
     * The end of a connection: closes it, logs its line, unregisters it and frees its slot.
     *
     * @param c   the connection {@link #open} registered
     * @param how why it ended, for the closed line; null when it ended normally
     */
    public void closed(LiveConnection c, String how) {
        if (c.endedBy() != null) how = c.endedBy(); // a limit ended it: say which, whatever the handler saw
        LogEvent line = config.log() != null ? closedEvent(c, how) : null; // before the close: TCP_INFO needs the socket
        c.socket().close();
        limiter.release(c.peer());
        if (line != null) config.log().accept(line);
        // Live until its line is written: once activeConnections() is 0, every closed line is there.
        live.remove(c);
        giveSlot();
    }

    /**
     * The closed event with the bytes the application received and sent. Served in this process:
     * what the socket's calls counted (and what an event loop counted on the descriptor). Held by a
     * child process: the kernel's counts (TCP_INFO), read while this process still holds a reference,
     * so no FIN of ours is among them; a Unix socket has none (-1: not known).
     */
    private static LogEvent closedEvent(LiveConnection c, String how) {
        long in = -1, out = -1;
        if (c.isHeldByChild()) {
            try {
                TcpInfo info = c.socket().getOption(SockOpt.TCP_INFO);
                boolean reset = info.state() == TcpState.CLOSE && c.socket().getOption(SockOpt.SO_ERROR) != 0; // no FIN came
                in = reset ? info.bytesReceived() : info.dataReceived();
                out = info.bytesWritten();
            } catch (IOException notTcp) {
                // LOCAL sockets have no TCP_INFO: the counts stay unknown
            }
        } else {
            in = c.socket().bytesReceived() + c.bytesReceived();
            out = c.socket().bytesSent() + c.bytesSent();
        }
        return LogEvent.closed(c, c.local(), in, out, Duration.ofNanos(System.nanoTime() - c.startNanos()), how);
    }

    /**
     * Serves one accepted connection on this thread: the handler in one try/finally. Whatever the
     * handler does, the connection is closed, logged and unregistered when this returns.
     *
     * @param a the accepted connection, holding a slot
     */
    public void serve(Accepted a) {
        LiveConnection c = admit(a);
        if (c == null) return; // refused: closed, logged, its slot given back
        String how = null;
        try {
            config.handler().serve(c);
        } catch (SocketClosedException e) {
            how = stopping ? "closed at shutdown" : e.getMessage();
        } catch (IOException e) {
            how = e.getMessage(); // the client reset or vanished: costs only this connection
        } catch (RuntimeException | Error e) {
            how = "handler failed: " + e;
            try {
                LOG.log(Level.ERROR, c + ": handler failed", e);
            } catch (RuntimeException | Error logFailed) {
                // e.g. no descriptor left to load the logger's classes: the closed line still says why
            }
        } finally {
            closed(c, how);
        }
    }

    /**
     * The ordered shutdown, after the listener was closed: stop accepting, let the connections in
     * flight finish until {@code deadline}, then force them closed (their blocked reads and writes
     * wake) and join the accept threads. The accept threads of {@code iterative} and {@code pool}
     * serve connections themselves, so they are waited for within the same deadline, never before it.
     *
     * @param deadline      the end of the grace period ({@link System#nanoTime()})
     * @param acceptThreads the threads that run {@link #acceptLoop}
     * @throws InterruptedException if interrupted while waiting
     */
    public void finish(long deadline, List<Thread> acceptThreads) throws InterruptedException {
        finish(deadline, acceptThreads, () -> {
            for (Connection c : live.all()) c.socket().close(); // forced: the grace period is over
        });
    }

    /**
     * As {@link #finish(long, List)}, with the design's own way to force the connections left.
     *
     * @param deadline      the end of the grace period ({@link System#nanoTime()})
     * @param acceptThreads the threads that run {@link #acceptLoop}
     * @param force         ends the connections still live after the grace period (e.g. signals the children)
     * @throws InterruptedException if interrupted while waiting
     */
    public void finish(long deadline, List<Thread> acceptThreads, Runnable force) throws InterruptedException {
        markStopping();
        // The grace period: until no connection is live or handed over, and every accept thread is gone. An
        // accept thread (or a thread it started) may register one more connection meanwhile: then wait for it too.
        do {
            live.awaitEmpty(deadline);
            joinAll(acceptThreads, deadline);
            awaitHandedOver(deadline);
        } while (!(live.isEmpty() && handedOver.isEmpty()) && deadline - System.nanoTime() > 0);
        forced = true; // from now on a connection registered late is closed at once (see open)
        if (!live.isEmpty()) force.run();
        long forceDeadline = System.nanoTime() + FORCE_WAIT_NANOS;
        joinAll(acceptThreads, forceDeadline);
        live.awaitEmpty(forceDeadline); // handlers unregister in finally
        if (!live.isEmpty() || anyAlive(acceptThreads)) {
            log(Level.WARNING, live.size() + " handler(s) still running after their sockets were closed: " + live);
        }
        limiter.stopSweeper();
    }

    /**
     * Waits (in short slices, until {@code deadline}) until every connection handed on is registered:
     * its thread runs soon after the hand-over, unless the machine is very busy.
     */
    private void awaitHandedOver(long deadline) throws InterruptedException {
        while (!handedOver.isEmpty() && deadline - System.nanoTime() > 0) Thread.sleep(1);
    }

    /** Joins each thread, waiting at most until {@code deadline} ({@link System#nanoTime()}) in all. */
    private static void joinAll(List<Thread> threads, long deadline) throws InterruptedException {
        for (Thread t : threads) t.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private static boolean anyAlive(List<Thread> threads) {
        for (Thread t : threads) {
            if (t.isAlive()) return true;
        }
        return false;
    }

    /** How long handlers get to notice their socket was closed under them. */
    private static final long FORCE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Stop accepting: the accept loops end at their next look, and those waiting for a slot at the
     * connection cap are woken to see it. Safe to call more than once.
     */
    public void markStopping() {
        stopping = true;
        // A permit for every accept loop that may be waiting for one (each gives it back: see takeSlot). A loop
        // that enters after this count sees stopping, as it looks only after counting itself.
        if (slots != null) slots.release(acceptLoops.get());
    }

    /**
     * One line of the server's: to the builder's log when there is one, else to {@link System.Logger}
     * {@code io.jsock.server}.
     *
     * @param level   the logger's level for it
     * @param message the line
     */
    public void log(Level level, String message) {
        if (config.log() != null) config.log().accept(LogEvent.of(event(level), null, message));
        else if (LOG.isLoggable(level)) LOG.log(level, message);
    }

    /** {@return the event a log line of {@code level} is: error, warning, or info for anything lower} */
    public static LogEvent.Event event(Level level) {
        return level.getSeverity() >= Level.ERROR.getSeverity() ? LogEvent.Event.ERROR
                : level.getSeverity() >= Level.WARNING.getSeverity() ? LogEvent.Event.WARNING : LogEvent.Event.INFO;
    }
}
