package io.jsock.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;

/**
 * The independent check on the load generator: the plainest possible request/response client, one
 * blocking java.net.Socket on a platform thread, no jsock code, no epoll: write, then a read that
 * blocks in the kernel. Its echoes per second at one connection are what the generator's figure for
 * the same server must agree with.
 *
 * <p>No SO_TIMEOUT: with one, java.net makes the descriptor non-blocking and waits in poll, so that
 * an echo not back yet costs read (EAGAIN), poll and read again -- 2.9 calls per echo instead of 2,
 * counted with perf stat against the C reference; that client was slower than a plain one (the
 * generator measured 1.35x it). A hung server is bounded by a watchdog that closes the socket instead
 * (close wakes the blocked read).
 */
final class BlockingClient {
    private BlockingClient() {}

    /** Echoes of {@code size} bytes per second against {@code host:port}, measured for {@code duration} after {@code warmup}. */
    static double echoesPerSecond(String host, int port, int size, Duration warmup, Duration duration) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), 5000);
            Duration limit = warmup.plus(duration).plusSeconds(10);
            Thread watchdog = Thread.ofPlatform().daemon().name("blocking-client-watchdog").start(() -> {
                try {
                    Thread.sleep(limit);
                    s.close();
                } catch (InterruptedException | IOException e) {
                    // finished in time (interrupted), or already closed
                }
            });
            try {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] msg = new byte[size];
                byte[] back = new byte[size];
                long warmEnd = System.nanoTime() + warmup.toNanos();
                while (System.nanoTime() < warmEnd) echo(in, out, msg, back, 0);
                long count = 0;
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                long now;
                while ((now = System.nanoTime()) < end) echo(in, out, msg, back, ++count);
                return count / ((now - start) / 1e9);
            } catch (IOException e) {
                if (s.isClosed()) throw new IOException("blocking client: no echo from " + host + ":" + port + " within " + limit.toSeconds() + " s");
                throw e;
            } finally {
                watchdog.interrupt();
            }
        }
    }

    private static void echo(InputStream in, OutputStream out, byte[] msg, byte[] back, long seq) throws IOException {
        Arrays.fill(msg, (byte) seq);
        out.write(msg);
        if (in.readNBytes(back, 0, back.length) != back.length) throw new IOException("server closed the connection");
        if (!Arrays.equals(msg, back)) throw new IOException("echo differs from what was sent");
    }
}
