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
 * blocking java.net.Socket, no jsock code, no epoll. Its echoes per second at one connection are
 * what the generator's figure for the same server must agree with.
 */
final class BlockingClient {
    private BlockingClient() {}

    /** Echoes of {@code size} bytes per second against {@code host:port}, measured for {@code duration} after {@code warmup}. */
    static double echoesPerSecond(String host, int port, int size, Duration warmup, Duration duration) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(5000);
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
        }
    }

    private static void echo(InputStream in, OutputStream out, byte[] msg, byte[] back, long seq) throws IOException {
        Arrays.fill(msg, (byte) seq);
        out.write(msg);
        if (in.readNBytes(back, 0, back.length) != back.length) throw new IOException("server closed the connection");
        if (!Arrays.equals(msg, back)) throw new IOException("echo differs from what was sent");
    }
}
