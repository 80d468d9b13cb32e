package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A virtual thread's recv after a short recv on TCP parks without trying while no read event has
 * come (the queue was empty). Short reads that leave data queued must not make it wait for an event
 * that will not come: the urgent mark (a recv stops there), and bytes of every size in between.
 */
class ShortReadTest {

    /** Reads on a virtual thread until {@code want} bytes have come (or end of stream, or the socket's timeout). */
    private static CompletableFuture<String> readOnVirtual(Socket s, int want) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocateDirect(64);
                while (got.size() < want) {
                    buf.clear();
                    if (s.read(buf) < 0) break;
                    buf.flip();
                    while (buf.hasRemaining()) got.write(buf.get());
                }
                f.complete(got.toString(StandardCharsets.US_ASCII));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Test
    void aReadStoppedShortAtTheUrgentMarkIsFollowedByTheBytesAfterIt() throws Exception {
        try (Socket listener = Loopback.listener(1);
                java.net.Socket client = new java.net.Socket("127.0.0.1", ((SockAddr.Inet4) listener.getsockname()).port());
                Socket server = listener.accept().socket()) {
            // No timeout: a read that waited for an event that will not come would wait until the close below.
            OutputStream out = client.getOutputStream();
            // A first short read, after a wait: the socket is in its read sub-poller from here on.
            CompletableFuture<String> hello = readOnVirtual(server, 5);
            Thread.sleep(100);
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(hello.get(30, TimeUnit.SECONDS)).isEqualTo("hello");
            // "ab", the urgent byte, "de": every read event is reported before the next read (the sleep), and
            // the read of "ab" stops short at the mark with "de" still queued: the next read must try.
            out.write("ab".getBytes(StandardCharsets.US_ASCII));
            client.sendUrgentData('c');
            out.write("de".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            assertThat(readOnVirtual(server, 4).get(30, TimeUnit.SECONDS)).isEqualTo("abde");
        }
    }

    @Test
    void everyByteComesBackThroughShortReadsOfEverySize() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try {
            Socket client = p[0], server = p[1];
            // Echo on a virtual thread with a 64-byte buffer: reads are short, full, and of queued bytes.
            CompletableFuture<Long> echoed = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    ByteBuffer buf = ByteBuffer.allocateDirect(64);
                    long total = 0;
                    while (server.read(buf.clear()) > 0) {
                        buf.flip();
                        total += buf.remaining();
                        server.writeFully(buf);
                    }
                    echoed.complete(total);
                } catch (Throwable t) {
                    echoed.completeExceptionally(t);
                }
            });
            byte[] sent = new byte[1 + 2 + 63 + 64 + 65 + 200 + 1000];
            for (int i = 0; i < sent.length; i++) sent[i] = (byte) (i * 31);
            int off = 0;
            ByteBuffer back = ByteBuffer.allocate(sent.length);
            for (int size : new int[] {1, 2, 63, 64, 65, 200, 1000}) {
                client.writeFully(ByteBuffer.wrap(sent, off, size));
                off += size;
                while (back.position() < off) {
                    if (client.read(back) < 0) break;
                }
            }
            client.shutdown(Shutdown.WRITE);
            assertThat(echoed.get(60, TimeUnit.SECONDS)).isEqualTo(sent.length);
            assertThat(back.array()).isEqualTo(sent);
        } finally {
            for (Socket s : p) s.close();
        }
    }

    @Test
    void endOfStreamReportedWithTheLastBytesIsSeenByTheReadAfterTheShortOne() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try {
            CompletableFuture<Void> registered = new CompletableFuture<>();
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<String> got = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    ByteBuffer buf = ByteBuffer.allocateDirect(64);
                    int first = p[1].read(buf); // waits: the socket is in its read sub-poller from here on
                    registered.complete(null);
                    go.await();
                    buf.clear();
                    int second = p[1].read(buf);
                    int third = p[1].read(buf);
                    got.complete(first + " " + second + " " + third);
                } catch (Throwable t) {
                    got.completeExceptionally(t);
                }
            });
            Thread.sleep(100);
            p[0].writeFully(new byte[] {'a'});
            registered.get(30, TimeUnit.SECONDS);
            // The last byte and the FIN come while the reader does not read: one read event reports both,
            // before its next read; that read comes back short, and the one after must see the end at once.
            p[0].writeFully(new byte[] {'x'});
            p[0].shutdown(Shutdown.WRITE);
            Thread.sleep(300);
            go.countDown();
            assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo("1 1 -1");
        } finally {
            for (Socket s : p) s.close();
        }
    }
}
