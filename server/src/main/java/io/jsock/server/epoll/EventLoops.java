package io.jsock.server.epoll;

import io.jsock.server.Model;
import io.jsock.server.event.EventHandler;
import io.jsock.server.event.EventServices;
import io.jsock.server.serving.Design;
import io.jsock.server.serving.ServerConfig;
import io.jsock.server.serving.Serving;

import io.jsock.socket.event.Epoll;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code epoll:N}: N event loops ({@link EventLoop}), each a platform thread {@code jsock-epoll-<i>}
 * over non-blocking sockets, serving {@link EventHandler}s. Each loop accepts from a listening
 * descriptor of its own, in its own epoll set, so a new connection wakes one loop, not all of them:
 *
 * <ul>
 * <li>With N &gt; 1 on TCP, SO_REUSEPORT: loop 0 takes the server's listener, loops 1..N-1 open one
 *     each on the same address; the kernel spreads connections over them by a hash of the addresses.
 *     Measured against EPOLLEXCLUSIVE on one shared listener (100 connections, epoll:2, this 2-core
 *     machine): SO_REUSEPORT split the work between the loops about evenly (loop CPU 198/189,
 *     111/105, 129/111 ticks), while EPOLLEXCLUSIVE, which wakes the first idle waiter, often gave one
 *     loop two or three times the other's share (230/75, 107/229). The price: each listener has its
 *     own backlog, and a port in use by another server of the same user must be refused by hand
 *     ({@link #refuseSharedPort}). {@code -Djsock.epoll.listener=exclusive} selects the other way.
 * <li>Otherwise (N = 1; Unix sockets, which have no SO_REUSEPORT; or a connection cap, which needs
 *     one queue so that waiting clients are served in the order they came, not by which listener's
 *     queue the hash put them in): every loop takes a duplicate of the server's listener, registered
 *     with EPOLLEXCLUSIVE when N &gt; 1.
 * </ul>
 *
 * <p>Shutdown, after {@link io.jsock.server.TcpServer} closed its listener: each loop closes its own listener
 * descriptor at once (the socket stops listening with the last one), serves its connections until
 * they end or the grace period does, closes the rest itself (so no descriptor is closed under a
 * call in flight), and exits; then the threads are joined.
 */
public final class EventLoops implements Design {
    private static final System.Logger LOG = System.getLogger(EventLoops.class.getName());
    private final Model.Epoll model;
    private final int n;
    private final List<EventLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * The design of {@code epoll:n}.
     *
     * @param model the model: its size is the number of loops, and it says whether each loop listens on a socket of its own
     */
    public EventLoops(Model.Epoll model) {
        this.model = model;
        this.n = model.size();
    }

    @Override
    public void start(Serving serving) throws IOException {
        EventHandler.Factory factory = factoryFor(serving.config);
        ServerConfig config = serving.config;
        boolean reusePort = config.perLoopListeners();
        boolean success = false;
        try {
            for (int i = 0; i < n; i++) {
                Socket listener = i > 0 && reusePort ? reusePortListener(serving) : serving.listener().dup();
                int events = n > 1 && !reusePort ? Epoll.IN | Epoll.EXCLUSIVE : Epoll.IN;
                boolean made = false;
                try {
                    loops.add(new EventLoop(i, serving, this, factory, listener, events));
                    made = true;
                } finally {
                    if (!made) listener.close();
                }
            }
            for (EventLoop loop : loops) threads.add(Thread.ofPlatform().daemon().name("jsock-epoll-" + loop.index).unstarted(loop));
            for (Thread t : threads) t.start();
            success = true;
        } finally {
            if (!success) {
                for (EventLoop loop : loops) loop.discard();
                loops.clear();
                threads.clear();
            }
        }
    }

    /**
     * Before the first listener with SO_REUSEPORT binds a chosen port: fails as a plain bind would
     * (EADDRINUSE) when anything listens there already. Without this, SO_REUSEPORT would quietly join a
     * server of the same user on that port and share its clients. (Port 0 needs no look: the kernel
     * never picks a port a reuseport group holds.)
     *
     * @param bind the address the server will bind
     * @throws IOException EADDRINUSE (a {@link java.net.BindException}) when something listens there already, or the probe's own failure
     */
    public static void refuseSharedPort(SockAddr bind) throws IOException {
        if (bind.port() == 0) return;
        try (Socket probe = Socket.open(bind.family(), SocketType.STREAM, Protocol.DEFAULT)) {
            probe.setOption(SockOpt.SO_REUSEADDR, true);
            probe.bind(bind);
        }
    }

    /**
     * One more listener on the server's address, sharing its port through SO_REUSEPORT (the uring
     * model's loops use it too).
     *
     * @param serving the server, listening already
     * @return a listening socket of this loop's own
     * @throws IOException what socket, bind or listen failed with
     */
    public static Socket reusePortListener(Serving serving) throws IOException {
        Socket l = Socket.open(serving.config.bind().family(), SocketType.STREAM, Protocol.DEFAULT);
        boolean success = false;
        try {
            l.setOption(SockOpt.SO_REUSEADDR, true);
            l.setOption(SockOpt.SO_REUSEPORT, true);
            l.bind(serving.listener().getsockname());
            l.listen(serving.config.backlog());
            success = true;
            return l;
        } finally {
            if (!success) l.close();
        }
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        for (EventLoop loop : loops) loop.turns.requestStop(deadline);
        // Bounded: a handler that blocks its loop (against the contract) must not hold the stop forever.
        // A loop still running a second after the grace period is left behind (a daemon thread) and said.
        long joinBy = deadline + TimeUnit.SECONDS.toNanos(1);
        for (Thread t : threads) {
            long left = joinBy - System.nanoTime();
            if (left > 0) t.join(Duration.ofNanos(left));
            if (t.isAlive()) {
                LOG.log(System.Logger.Level.WARNING, t.getName() + " did not stop within the grace period and a second"
                        + " (a handler blocking its event loop?); left running");
            }
        }
    }

    /** A connection slot freed on {@code from}: wake the other loops that stopped accepting at the cap. */
    void slotFreed(EventLoop from) {
        for (EventLoop loop : loops) {
            if (loop != from && loop.turns.waitingForSlot()) loop.turns.wake();
        }
    }

    /**
     * The handler factory an event-loop server ({@code epoll}, {@code uring}) uses: the one given to
     * the builder, else the event twin of a built-in service; a blocking {@link io.jsock.server.Handler}
     * of one's own cannot run on an event loop.
     *
     * @param config the server's configuration
     * @return the factory; never null
     * @throws IllegalArgumentException for a blocking handler of one's own, saying what is needed
     */
    public static EventHandler.Factory factoryFor(ServerConfig config) {
        if (config.eventHandler() != null) return config.eventHandler();
        EventHandler.Factory twin = EventServices.twinOf(config.handler());
        if (twin != null) return twin;
        throw new IllegalArgumentException("model " + config.model() + " runs non-blocking handlers: give the builder"
                + " an EventHandler factory (.eventHandler(...)) or a built-in service (echo, discard, daytime, chargen, time);"
                + " a blocking Handler needs a thread or process model (" + blockingForms() + ")");
    }

    /** The models that run blocking handlers, as {@link Model#parse} accepts them. */
    private static String blockingForms() {
        return Model.all().stream().filter(m -> !m.runsEventHandlers()).map(Model::form).collect(Collectors.joining(", "));
    }

}
