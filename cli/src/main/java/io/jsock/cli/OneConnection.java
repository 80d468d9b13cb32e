package io.jsock.cli;

import io.jsock.server.Connection;
import io.jsock.server.Endpoint;
import io.jsock.server.Handler;
import io.jsock.server.Server;
import io.jsock.server.Ucspi;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.process.ChildProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection handed over already accepted (inetd's {@code nowait}, systemd's {@code Accept=yes}):
 * served once, by the service's handler on a thread of its own or by the command with the socket as
 * its standard input and output; closed when that ends. A {@link Server} so that {@code serve} waits
 * for it and stops it as it does the others: at a stop it gets the grace period, then its socket is
 * closed (a command gets SIGTERM).
 */
final class OneConnection implements Server {
    private final Socket socket;
    private final Endpoint endpoint;
    private final Duration grace;
    /** Completed when the connection has ended, or when {@link #close()} has given up waiting for that. */
    private final CompletableFuture<Void> over = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile ChildProcess child;

    private OneConnection(Socket socket, Endpoint endpoint, Duration grace) {
        this.socket = socket;
        this.endpoint = endpoint;
        this.grace = grace;
    }

    /** Serves {@code socket} with {@code handler}, or with {@code command} when the handler is null. Owns the socket from now on. */
    static OneConnection start(Socket socket, Handler handler, List<String> command, Duration grace, PrintWriter err) throws IOException {
        SockAddr local = socket.getsockname(), peer = socket.getpeername();
        OneConnection c = new OneConnection(socket, new Endpoint(socket.type(), local), grace);
        boolean success = false;
        try {
            if (handler != null) {
                Connection conn = new Accepted(socket, peer, local);
                Thread.ofPlatform().name("jsock-conn-inetd").start(() -> c.serve(handler, conn, err));
            } else {
                socket.setBlockingForChild(true); // the program expects blocking I/O and shares the file's flags
                c.child = ChildProcess.builder(command).environment(Ucspi.environment(local, peer)).stdio(socket).start();
                socket.close(); // the child holds the connection now (UNP 4.8)
                c.child.onExit().thenRun(() -> c.over.complete(null));
            }
            success = true;
            return c;
        } finally {
            if (!success) socket.close();
        }
    }

    private record Accepted(Socket socket, SockAddr peer, SockAddr local) implements Connection {
        @Override
        public long id() {
            return 1;
        }
    }

    private void serve(Handler handler, Connection conn, PrintWriter err) {
        try {
            handler.serve(conn);
        } catch (IOException e) {
            if (!closing.get()) {
                synchronized (err) {
                    err.println("jsock: connection from " + conn.peer() + ": " + e.getMessage());
                    err.flush();
                }
            }
        } finally {
            socket.close();
            over.complete(null);
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public int activeConnections() {
        return over.isDone() ? 0 : 1;
    }

    /** Lets the connection finish within the grace period, then ends it. Safe to call more than once. */
    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) end(); // a second call only waits
        awaitClosed();
    }

    /** The grace period, then SIGTERM (a command) or the socket closed (a handler), then SIGKILL. */
    private void end() {
        try {
            if (!ended(grace.toNanos())) {
                ChildProcess p = child;
                if (p != null) p.terminate();
                else socket.close(); // the handler's next call fails: it ends (close is idempotent)
                if (!ended(TimeUnit.SECONDS.toNanos(5)) && p != null) p.kill();
                ended(TimeUnit.SECONDS.toNanos(5));
            }
        } catch (IOException e) {
            // kill(2) refused: the child is gone or not ours to signal; nothing more to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            over.complete(null);
        }
    }

    /** Waits at most {@code nanos} for the connection to end; returns whether it has. */
    private boolean ended(long nanos) throws InterruptedException {
        try {
            over.get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // only ever completed with null
        }
    }

    /** Blocks until the connection has ended, or {@link #close()} has finished. */
    @Override
    public void awaitClosed() {
        over.join(); // not interruptible; an interrupt stays in the thread's status
    }
}
