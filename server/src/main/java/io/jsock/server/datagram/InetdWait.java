package io.jsock.server.datagram;

import io.jsock.server.process.ProcessPerClient;
import io.jsock.socket.MsgFlag;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.process.ChildProcess;
import io.jsock.socket.process.ExitStatus;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * inetd's {@code wait} convention for datagrams: when a datagram is waiting, the program is spawned
 * with the socket itself as its standard input and output (descriptors 0 and 1) and reads the
 * datagram (and any that follow) with recvfrom; the server does not read while it runs. When it
 * exits (it is reaped by pid), the server waits for the next datagram (readable: a recv with
 * MSG_PEEK, which takes nothing) and spawns it again. The environment is the server's, as inetd's.
 *
 * <p>A program that exits without reading would be spawned again at once, for ever: as inetd does,
 * more than {@value #MAX_SPAWNS} spawns in a minute drop the waiting datagram instead, with one line.
 * At stop the program gets the grace period, then SIGTERM, then SIGKILL.
 */
public final class InetdWait implements DatagramDesign {
    /** inetd's "looping" limit: spawns per {@link #SPAWN_WINDOW_NANOS}. */
    static final int MAX_SPAWNS = 256;
    static final long SPAWN_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    // Set by the constructor.
    private final DatagramConfig config;
    private final Socket socket;
    private final Counters counters;
    private final String where;
    private final List<String> argv;
    private Thread loop;

    // Guarded by this: the stop flag and the child, so that stop and a spawn do not cross.
    private boolean stopping;
    private ChildProcess child;

    // Used by the loop thread only.
    private long windowStart;
    private int spawnsInWindow;

    /**
     * The wait loop for {@code config}'s command over {@code socket}, not yet started.
     *
     * @param where the endpoint as log lines name it
     */
    public InetdWait(DatagramConfig config, Socket socket, Counters counters, String where) {
        this.config = config;
        this.socket = socket;
        this.counters = counters;
        this.where = where;
        this.argv = config.command();
    }

    @Override
    public void start() throws IOException {
        ChildProcess.locate(argv.get(0)); // a missing program fails start(), not every datagram
        loop = Thread.ofPlatform().name("jsock-dgram-wait").start(this::loop);
    }

    @Override
    public synchronized int busy() {
        return child == null ? 0 : 1;
    }

    private void loop() {
        ByteBuffer peek = ByteBuffer.allocate(1);
        try {
            while (true) {
                socket.recv(peek.clear(), MsgFlag.PEEK); // waits for a datagram and leaves it queued
                ChildProcess c;
                synchronized (this) {
                    if (stopping) return;
                    c = spawnAllowed() ? spawn() : null;
                }
                if (c == null) continue; // the datagram was dropped, and said so
                ExitStatus status = c.waitFor();
                synchronized (this) {
                    child = null;
                }
                Log.line(config, Level.DEBUG, where + ": " + c + " " + status);
                socket.setBlockingForChild(false); // ours again: jsock's calls expect O_NONBLOCK
            }
        } catch (SocketClosedException | InterruptedException stopped) {
            // stop closed the socket (or ended the wait): the child, if any, is stop's to end
        } catch (IOException e) {
            Log.line(config, Level.WARNING, where + ": " + e.getMessage() + "; no longer serving");
        }
    }

    /** Whether one more spawn fits inetd's looping limit; when it does not, the waiting datagram is dropped. */
    private boolean spawnAllowed() throws IOException {
        long now = System.nanoTime();
        if (spawnsInWindow == 0 || now - windowStart >= SPAWN_WINDOW_NANOS) {
            windowStart = now;
            spawnsInWindow = 0;
        }
        if (++spawnsInWindow <= MAX_SPAWNS) return true;
        if (spawnsInWindow == MAX_SPAWNS + 1) {
            Log.line(config, Level.WARNING, where + ": " + argv.get(0) + " was spawned " + MAX_SPAWNS
                    + " times within a minute (does it read its datagram?): dropping datagrams until the minute is over");
        }
        dropOne();
        return false;
    }

    /** Spawns the program on the socket (guarded by this); a failed spawn drops the datagram that asked for it. */
    private ChildProcess spawn() throws IOException {
        try {
            socket.setBlockingForChild(true); // the program expects blocking reads and shares the flags
            child = ChildProcess.builder(argv).stdio(socket).start();
            counters.answered.increment();
            return child;
        } catch (SocketClosedException closed) {
            throw closed;
        } catch (IOException e) {
            socket.setBlockingForChild(false);
            Log.line(config, Level.WARNING, where + ": spawn failed: " + e.getMessage());
            dropOne(); // else the same datagram asks again at once, for ever
            return null;
        }
    }

    /** Takes the waiting datagram off the queue unanswered. */
    private void dropOne() throws IOException {
        socket.recv(ByteBuffer.allocate(0), MsgFlag.DONTWAIT);
        counters.failed.increment();
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        ChildProcess c;
        synchronized (this) {
            stopping = true;
            c = child;
        }
        socket.close(); // the loop's wait ends; a running child keeps its own descriptors
        if (c != null && c.waitFor(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))) == null) {
            end(c);
        }
        if (loop != null) loop.join();
    }

    /** After the grace period: SIGTERM, then SIGKILL if it is still there after a short wait; returns once it is reaped. */
    private void end(ChildProcess c) throws InterruptedException {
        try {
            c.terminate();
            if (c.waitFor(Duration.ofMillis(ProcessPerClient.TERM_WAIT_MILLIS)) != null) return;
            c.kill();
        } catch (IOException e) {
            Log.line(config, Level.WARNING, where + ": " + e.getMessage());
        }
        c.waitFor();
    }
}
