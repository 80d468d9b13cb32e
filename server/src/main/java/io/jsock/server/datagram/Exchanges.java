package io.jsock.server.datagram;

import io.jsock.server.Service;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A built-in service over datagrams: one reply per datagram, from one loop (a platform thread,
 * {@code jsock-dgram}) or from N workers (virtual threads, {@code jsock-dgram-0} ...) each blocking in
 * recvfrom on the same socket; the kernel hands each datagram to one of them. Every reply passes the
 * {@link ReflectionGuard} and the per-source rate ({@link Sources}) first; a reply the kernel cannot
 * queue at once is dropped (UDP promises nothing), so one peer that does not read never stalls the
 * others.
 */
public final class Exchanges implements DatagramDesign {
    /** The largest datagram taken whole: UDP's payload is at most 65,507 bytes over IPv4. */
    static final int MAX_DATAGRAM = 64 * 1024;

    // Set by the constructor.
    private final DatagramConfig config;
    private final Socket socket;
    private final Counters counters;
    private final Sources sources;
    private final Service service;
    private final String where; // the endpoint, for log lines
    private final List<Thread> workers = new ArrayList<>();

    // Each exchange holds the read lock from the datagram's arrival to its reply; stop takes the write
    // lock to wait for those in flight. `stopping` is set before: a datagram read after it is not answered.
    private final ReadWriteLock inFlight = new ReentrantReadWriteLock();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * The loops for {@code config}'s service over {@code socket}, not yet started.
     *
     * @param where the endpoint as log lines name it
     */
    public Exchanges(DatagramConfig config, Socket socket, Counters counters, String where) {
        this.config = config;
        this.socket = socket;
        this.counters = counters;
        this.sources = new Sources(config.ratePerSource());
        this.service = config.service();
        this.where = where;
    }

    @Override
    public void start() {
        if (config.workers() == 1) {
            workers.add(Thread.ofPlatform().name("jsock-dgram").start(this::loop));
        } else {
            Thread.Builder b = Thread.ofVirtual().name("jsock-dgram-", 0);
            for (int i = 0; i < config.workers(); i++) workers.add(b.start(this::loop));
        }
    }

    @Override
    public int busy() {
        return busy.get();
    }

    /** recvfrom, answer, again, until the socket is closed. */
    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (true) {
            Socket.Received r;
            try {
                r = socket.recvfrom(buf.clear());
            } catch (SocketClosedException closed) {
                return; // stop closed the socket
            } catch (IOException e) {
                if (stopping) return;
                log(Level.WARNING, where + ": " + e.getMessage());
                continue; // a datagram socket's recvfrom fails for one datagram, not for good
            }
            counters.received.increment();
            inFlight.readLock().lock();
            busy.incrementAndGet();
            try {
                if (stopping) return; // read after stop began: not answered
                answer(r.from(), buf.flip());
            } finally {
                busy.decrementAndGet();
                inFlight.readLock().unlock();
            }
        }
    }

    /** One datagram: the guards, then the service's reply. */
    private void answer(SockAddr from, ByteBuffer datagram) {
        int in = datagram.remaining();
        String ruled = config.rules() == null ? null : config.rules().ruling(from);
        if (ruled != null) {
            counters.denied.increment();
            dropped(from, System.nanoTime(), "not answered: " + ruled);
            return;
        }
        ByteBuffer reply = Replies.to(service, datagram);
        if (reply == null) { // discard: nothing to send, so nothing to guard
            exchanged(from, in, -1);
            return;
        }
        long now = System.nanoTime();
        if (from == null || from instanceof SockAddr.Local l && l.isUnnamed()) {
            counters.failed.increment(); // an unbound Unix sender: there is no address to answer to
            return;
        }
        String refusal = ReflectionGuard.refusal(from, config.replyToPrivilegedPorts());
        if (refusal != null) {
            counters.refusedPort.increment();
            dropped(from, now, "not answered: " + refusal);
            return;
        }
        if (!sources.allowReply(from, now)) {
            counters.overRate.increment();
            dropped(from, now, "not answered: more than " + config.ratePerSource() + " replies per second to it");
            return;
        }
        try {
            int out = reply.remaining();
            if (socket.trySendto(reply, from) == Socket.UNAVAILABLE) {
                counters.failed.increment();
                dropped(from, now, "not answered: the send queue is full (EAGAIN)");
                return;
            }
            counters.answered.increment();
            exchanged(from, in, out);
        } catch (SocketClosedException closed) {
            // stop closed the socket after the grace period: this reply is one it did not wait for
        } catch (IOException e) {
            counters.failed.increment();
            dropped(from, now, "not answered: " + e.getMessage());
        }
    }

    /** The -v line for one datagram: {@code udp:127.0.0.1:7 < 127.0.0.1:40000: in 5 B, out 5 B}. */
    private void exchanged(SockAddr from, int in, int out) {
        if (config.events() == null) return;
        Log.line(config, Level.INFO, from, where + " < " + from + ": in " + in + " B" + (out < 0 ? "" : ", out " + out + " B"));
    }

    /** A reply not sent: one line per source per log interval, however many it sends. */
    private void dropped(SockAddr from, long now, String why) {
        if (sources.logDue(from, now)) {
            Log.line(config, Level.DEBUG, from, where + " < " + from + ": " + why + " (further ones from it are counted; a line every "
                    + TimeUnit.NANOSECONDS.toSeconds(Sources.LOG_INTERVAL_NANOS) + " s at most)");
        }
    }

    private void log(Level level, String line) {
        Log.line(config, level, line);
    }

    @Override
    public void stop(long deadline) throws InterruptedException {
        stopping = true;
        boolean drained = inFlight.writeLock().tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try {
            socket.close(); // wakes every worker in recvfrom; a reply still in flight (past the grace) fails quietly
        } finally {
            if (drained) inFlight.writeLock().unlock();
        }
        for (Thread t : workers) t.join();
    }
}
