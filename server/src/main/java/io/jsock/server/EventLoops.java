package io.jsock.server;

import io.jsock.socket.Epoll;
import io.jsock.socket.Family;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code epoll:N}: N event loops ({@link EventLoop}), each a platform thread {@code jsock-epoll-<i>}
 * over non-blocking sockets, serving {@link EventHandler}s. Every loop has its own descriptor of the
 * listening socket in its own epoll set, registered with EPOLLEXCLUSIVE when N &gt; 1, so a new
 * connection wakes one loop, not all of them (no thundering herd).
 *
 * <p>Shutdown, after {@link TcpServer} closed its listener: each loop closes its own listener
 * descriptor at once (the socket stops listening with the last one), serves its connections until
 * they end or the grace period does, closes the rest itself (so no descriptor is closed under a
 * call in flight), and exits; then the threads are joined.
 */
final class EventLoops implements Design {
    private final int n;
    private final List<EventLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    EventLoops(int n) {
        this.n = n;
    }

    /** Whether the loops share the listener through SO_REUSEPORT (one listener each) rather than EPOLLEXCLUSIVE. */
    static boolean reusePort(Model model, Family family) {
        return model.kind() == Model.Kind.EPOLL && model.n() > 1 && family != Family.LOCAL
                && "reuseport".equals(System.getProperty("jsock.epoll.listener"));
    }

    @Override
    public void start(Serving serving) throws IOException {
        EventHandler.Factory factory = EventServices.factoryFor(serving.config);
        boolean reusePort = reusePort(serving.config.model(), serving.config.bind().family());
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
            for (EventLoop loop : loops) threads.add(Thread.ofPlatform().name("jsock-epoll-" + loop.index).unstarted(loop));
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

    /** One more listener on the server's address, sharing its port through SO_REUSEPORT. */
    private static Socket reusePortListener(Serving serving) throws IOException {
        Socket l = Socket.open(serving.config.bind().family(), SocketType.STREAM, io.jsock.socket.Protocol.DEFAULT);
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
        for (EventLoop loop : loops) loop.requestStop(deadline);
        for (Thread t : threads) t.join();
    }

    /** A connection slot freed on {@code from}: wake the other loops that stopped accepting at the cap. */
    void slotFreed(EventLoop from) {
        for (EventLoop loop : loops) {
            if (loop != from && loop.waitingForSlot) loop.wake();
        }
    }
}
