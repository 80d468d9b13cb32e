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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    /** Counted down when the connection has ended, or when {@link #close()} has given up waiting for that. */
    private final CountDownLatch over = new CountDownLatch(1);
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
                c.child.onExit().thenRun(c.over::countDown);
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
            over.countDown();
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public int activeConnections() {
        return over.getCount() == 0 ? 0 : 1;
    }

    /** Lets the connection finish within the grace period, then ends it. Safe to call more than once. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        try {
            if (!over.await(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                ChildProcess p = child;
                if (p != null) p.terminate();
                else socket.close(); // the handler's next call fails: it ends (close is idempotent)
                if (!over.await(5, TimeUnit.SECONDS) && p != null) p.kill();
                over.await(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            // kill(2) refused: the child is gone or not ours to signal; nothing more to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            over.countDown();
        }
    }

    /** Blocks until the connection has ended, or {@link #close()} has finished. */
    @Override
    public void awaitClosed() {
        boolean interrupted = false;
        while (true) {
            try {
                over.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
