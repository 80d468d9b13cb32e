package io.jsock.bench;

import io.jsock.socket.event.Epoll;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import org.HdrHistogram.Histogram;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One load-generator thread: an epoll loop (level-triggered) over its share of the connections,
 * all non-blocking jsock sockets. Counts only what completes while the run is in its measured
 * phase. Used by one thread only; its results are read after {@link #run} returns.
 */
final class Worker implements Runnable {
    /** The phases of a run, set by the thread that times it. */
    static final int WARMUP = 0, MEASURE = 1, DONE = 2;

    /** Bulk streams carry bytes {@code offset % 251}: a prime, so a chunk out of place shows. */
    private static final int PATTERN = 251;

    private final LoadSpec spec;
    private final Phase phase;
    private final Conn[] conns;
    private final byte[] pattern;
    /** rr: connections whose first echo has not come back yet; at 0 the worker counts {@code phase.connected} down. */
    private int unserved;
    private boolean ready;

    /** Connections that failed and wait to be opened again (at the top of the loop, never recursively). */
    private final java.util.ArrayDeque<Conn> reopen = new java.util.ArrayDeque<>();

    // Results: written by this worker's thread, read after it ends.
    final Histogram latency = LoadResult.latencyHistogram();
    long ops, bytes, errors;
    String firstError;

    /**
     * The shared phase of a run: one volatile, read once per event batch and per completed op; and
     * a latch each worker counts down once every one of its connections has been served (rr: its
     * first echo came back; crr and bulk: it is open), so warm-up starts after that -- a server that
     * starts a process per connection is not measured while those processes start.
     */
    static final class Phase {
        volatile int value = WARMUP;
        final java.util.concurrent.CountDownLatch connected;

        Phase(int workers) {
            connected = new java.util.concurrent.CountDownLatch(workers);
        }
    }

    /** One connection's state. */
    private final class Conn {
        final int id;
        Socket socket;
        final ByteBuffer out, in, expected;
        long seq, started, sent, received;
        boolean wantOut;        // registered for EPOLLOUT
        boolean finSent;        // crr: our FIN is out, waiting for the server's
        boolean served;         // rr: an echo came back at least once

        Conn(int id) {
            this.id = id;
            int n = spec.mode() == Mode.BULK ? Math.max(spec.size(), 1) : spec.size();
            out = ByteBuffer.allocateDirect(n);
            in = ByteBuffer.allocateDirect(spec.mode() == Mode.BULK ? 65536 : n);
            expected = out.duplicate();
        }
    }

    Worker(LoadSpec spec, Phase phase, int connections) {
        this.spec = spec;
        this.phase = phase;
        this.conns = new Conn[connections];
        for (int i = 0; i < connections; i++) conns[i] = new Conn(i);
        this.pattern = new byte[PATTERN + 65536 + Math.max(spec.size(), 1)];
        for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) (i % PATTERN);
    }

    @Override
    public void run() {
        try (Epoll epoll = Epoll.open(Math.max(16, conns.length))) {
            unserved = spec.mode() == Mode.RR ? conns.length : 0;
            try {
                for (Conn c : conns) open(epoll, c);
            } finally {
                if (unserved == 0) signalReady();
            }
            while (phase.value != DONE) {
                for (int k = reopen.size(); k > 0; k--) {
                    pauseAfterFailure();
                    open(epoll, reopen.poll());
                }
                int n = epoll.await(50);
                for (int i = 0; i < n; i++) {
                    Conn c = conns[(int) epoll.data(i)];
                    if (c.socket == null) continue;
                    try {
                        handle(epoll, c, epoll.events(i));
                    } catch (IOException e) {
                        fail(c, e);
                    }
                }
            }
        } catch (IOException e) {
            error(e);
        } finally {
            signalReady(); // in case this worker failed: never leave the timer waiting
            for (Conn c : conns) if (c.socket != null) c.socket.close();
        }
    }

    /** Opens (or reopens) a connection and starts its first exchange. A failure is counted, not thrown. */
    private void open(Epoll epoll, Conn c) {
        Socket s = null;
        try {
            c.started = System.nanoTime();
            s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
            s.setOption(SockOpt.TCP_NODELAY, true);
            // Blocks for the handshake only: on loopback the kernel completes it without the server's help.
            s.connect(spec.target());
            c.socket = s;
            c.finSent = false;
            c.wantOut = false;
            epoll.add(s.fd(), Epoll.IN, c.id);
            s = null;
            if (spec.mode() == Mode.BULK) {
                c.sent = c.received = 0;
                want(epoll, c, true);
            } else {
                send(epoll, c);
            }
        } catch (IOException e) {
            if (s != null) s.close();
            fail(c, e);
        }
    }

    private void handle(Epoll epoll, Conn c, int events) throws IOException {
        if ((events & Epoll.OUT) != 0) {
            if (spec.mode() == Mode.BULK) writeBulk(c);
            else flush(epoll, c);
        }
        if ((events & (Epoll.IN | Epoll.ERR | Epoll.HUP)) != 0 && c.socket != null) {
            if (spec.mode() == Mode.BULK) readBulk(c);
            else receive(epoll, c);
        }
    }

    // ---- rr and crr: one message out, its echo back

    /** Fills the next message (different bytes each time, so a stale echo cannot pass) and sends it. */
    private void send(Epoll epoll, Conn c) throws IOException {
        long seed = c.seq++ * 0x9E3779B97F4A7C15L + c.id;
        c.out.clear();
        for (int i = 0; i < c.out.capacity(); i++) c.out.put(i, (byte) (seed >>> ((i & 7) * 8) ^ i));
        c.in.clear();
        if (spec.mode() == Mode.RR) c.started = System.nanoTime();
        flush(epoll, c);
    }

    private void flush(Epoll epoll, Conn c) throws IOException {
        while (c.out.hasRemaining()) {
            if (c.socket.tryWrite(c.out) == Socket.UNAVAILABLE) break;
        }
        want(epoll, c, c.out.hasRemaining());
    }

    private void receive(Epoll epoll, Conn c) throws IOException {
        if (c.finSent) {
            // crr: after our FIN, the server's FIN (read returns -1) ends the connection.
            int n = c.socket.tryRead(c.in.clear());
            if (n == Socket.UNAVAILABLE) return;
            if (n > 0) throw new IOException("server sent " + n + " bytes after the echo");
            completed(c, 0);
            c.socket.close(); // closing the descriptor also takes it out of the epoll set
            c.socket = null;
            if (phase.value != DONE) open(epoll, c);
            return;
        }
        while (c.in.hasRemaining()) {
            int n = c.socket.tryRead(c.in);
            if (n == Socket.UNAVAILABLE) return;
            if (n < 0) throw new IOException("server closed the connection after " + c.in.position() + " of "
                    + c.in.capacity() + " bytes of an echo");
        }
        c.in.flip();
        int bad = c.in.mismatch(c.expected.clear());
        if (bad >= 0) throw new IOException("echo differs from what was sent at byte " + bad);
        if (spec.mode() == Mode.CRR) {
            c.socket.shutdown(Shutdown.WRITE);
            c.finSent = true;
        } else {
            served(c);
            completed(c, c.in.limit());
            send(epoll, c);
        }
    }

    /** rr: the server answered this connection (rightly or not): one fewer to wait for before the warm-up. */
    private void served(Conn c) {
        if (c.served || spec.mode() != Mode.RR) return;
        c.served = true;
        if (--unserved == 0) signalReady();
    }

    private void signalReady() {
        if (ready) return;
        ready = true;
        phase.connected.countDown();
    }

    private void completed(Conn c, int size) {
        if (phase.value != MEASURE) return;
        ops++;
        bytes += size;
        latency.recordValue(System.nanoTime() - c.started);
    }

    // ---- bulk: a stream out, its echo back and checked

    private void writeBulk(Conn c) throws IOException {
        int chunk = c.out.capacity();
        for (int i = 0; i < 16; i++) { // a bounded burst, so reading gets its turn
            int at = (int) (c.sent % PATTERN);
            int n = c.socket.tryWrite(ByteBuffer.wrap(pattern, at, chunk));
            if (n == Socket.UNAVAILABLE) return;
            c.sent += n;
        }
    }

    private void readBulk(Conn c) throws IOException {
        for (int i = 0; i < 16; i++) {
            c.in.clear();
            int n = c.socket.tryRead(c.in);
            if (n == Socket.UNAVAILABLE) return;
            if (n < 0) throw new IOException("server closed the connection during bulk transfer");
            c.in.flip();
            int at = (int) (c.received % PATTERN);
            int bad = c.in.mismatch(ByteBuffer.wrap(pattern, at, n));
            if (bad >= 0) throw new IOException("bulk echo differs at stream offset " + (c.received + bad));
            c.received += n;
            if (phase.value == MEASURE) bytes += n;
        }
    }

    // ---- bookkeeping

    private void want(Epoll epoll, Conn c, boolean out) throws IOException {
        if (out == c.wantOut) return;
        epoll.modify(c.socket.fd(), out ? Epoll.IN | Epoll.OUT : Epoll.IN, c.id);
        c.wantOut = out;
    }

    /** A connection failed: count it, close it, and queue it to be opened again. */
    private void fail(Conn c, IOException e) {
        error(e);
        served(c); // a failure is an answer too: a broken server must not hold the run back
        if (c.socket != null) c.socket.close();
        c.socket = null;
        reopen.add(c);
    }

    private void error(Exception e) {
        if (phase.value == DONE) return;
        errors++;
        if (firstError == null) firstError = e.getMessage();
    }

    /** After a failure, a short pause: a dead server must not turn this loop into a spin. */
    private static void pauseAfterFailure() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
