package io.jsock.socket;

import static io.jsock.socket.Loopback.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Several MiB of random data through every I/O path, nothing lost; recv/send flags; datagrams; writes to a reset peer. */
class TransferTest {
    private static final int SIZE = 6 * 1024 * 1024 + 12345; // not a multiple of any buffer size

    /** One way to move bytes, used on both ends. */
    enum Path {
        HEAP_BUFFER, DIRECT_BUFFER, BYTE_ARRAY, FULLY, STREAMS, CHANNEL;

        void send(Socket s, byte[] data) throws IOException {
            switch (this) {
                case HEAP_BUFFER -> {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) {
                        b.limit(Math.min(b.capacity(), b.position() + 100_000)); // several partial calls
                        s.write(b);
                        b.limit(b.capacity());
                    }
                }
                case DIRECT_BUFFER -> {
                    ByteBuffer d = ByteBuffer.allocateDirect(64 * 1024);
                    for (int off = 0; off < data.length; ) {
                        d.clear();
                        int n = Math.min(d.capacity(), data.length - off);
                        d.put(data, off, n).flip();
                        while (d.hasRemaining()) s.write(d);
                        off += n;
                    }
                }
                case BYTE_ARRAY -> {
                    for (int off = 0; off < data.length; ) off += s.write(data, off, Math.min(77_777, data.length - off));
                }
                case FULLY -> s.writeFully(data);
                case STREAMS -> {
                    OutputStream out = s.outputStream();
                    out.write(data[0]);
                    out.write(data, 1, data.length - 1);
                    out.flush();
                }
                case CHANNEL -> Channels.newOutputStream((WritableByteChannel) s).write(data); // the JDK's adapter
            }
        }

        byte[] receive(Socket s, int size) throws IOException {
            byte[] got = new byte[size];
            switch (this) {
                case HEAP_BUFFER -> {
                    ByteBuffer b = ByteBuffer.wrap(got);
                    while (b.hasRemaining()) assertThat(s.read(b)).isPositive();
                }
                case DIRECT_BUFFER -> {
                    ByteBuffer d = ByteBuffer.allocateDirect(50_000);
                    for (int off = 0; off < size; ) {
                        d.clear().limit(Math.min(d.capacity(), size - off));
                        int n = s.read(d);
                        assertThat(n).isPositive();
                        d.flip().get(got, off, n);
                        off += n;
                    }
                }
                case BYTE_ARRAY -> {
                    for (int off = 0; off < size; ) {
                        int n = s.read(got, off, Math.min(33_333, size - off));
                        assertThat(n).isPositive();
                        off += n;
                    }
                }
                case FULLY -> s.readFully(got);
                case STREAMS -> {
                    InputStream in = s.inputStream();
                    got[0] = (byte) in.read();
                    assertThat(in.readNBytes(got, 1, size - 1)).isEqualTo(size - 1);
                }
                case CHANNEL -> assertThat(Channels.newInputStream((ReadableByteChannel) s).readNBytes(got, 0, size)).isEqualTo(size);
            }
            return got;
        }
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void severalMebibytesOfRandomDataArriveIntactOverTcp(Path path) throws Exception {
        Socket[] p = Loopback.tcpPair();
        transfer(path, p[0], p[1]);
    }

    @ParameterizedTest
    @EnumSource(value = Path.class, names = {"HEAP_BUFFER", "FULLY"})
    void severalMebibytesOfRandomDataArriveIntactOverAUnixStreamPair(Path path) throws Exception {
        Socket[] p = Socket.pair(Family.LOCAL, SocketType.STREAM);
        transfer(path, p[0], p[1]);
    }

    private static void transfer(Path path, Socket writer, Socket reader) throws Exception {
        byte[] data = new byte[SIZE];
        new Random(SIZE ^ path.ordinal()).nextBytes(data);
        try (writer; reader) {
            reader.setTimeout(java.time.Duration.ofMinutes(1)); // a failed writer fails the test, not hangs it
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    path.send(writer, data);
                    writer.shutdown(Shutdown.WRITE);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            byte[] got = path.receive(reader, SIZE);
            assertThat(reader.read(ByteBuffer.allocate(1))).as("end of stream after the data").isEqualTo(-1);
            sent.get(60, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(data);
        }
    }

    @Test
    void aSocketIsAByteChannelAndWritesAWholeArray() throws IOException {
        Socket[] p = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (ByteChannel a = p[0]; Socket b = p[1]) {
            assertThat(p[0].write("ping".getBytes())).isEqualTo(4);
            byte[] got = new byte[4];
            b.readFully(got);
            assertThat(new String(got)).isEqualTo("ping");
            assertThat(a.write(ByteBuffer.wrap("pong".getBytes()))).isEqualTo(4);
            b.readFully(got);
            assertThat(new String(got)).isEqualTo("pong");
            a.close();
            assertThat(a.isOpen()).isFalse();
            assertThatThrownBy(() -> a.read(ByteBuffer.allocate(1)))
                    .as("a closed channel's read, as the ByteChannel contract says")
                    .isInstanceOf(java.nio.channels.ClosedChannelException.class);
        }
    }

    @Test
    void readingIntoAReadOnlyBufferIsRefusedAndTheBufferIsUntouched() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            c.writeFully(new byte[] {1, 2, 3});
            byte[] backing = new byte[3];
            ByteBuffer readOnly = ByteBuffer.wrap(backing).asReadOnlyBuffer();
            assertThatThrownBy(() -> s.read(readOnly)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> s.recv(ByteBuffer.allocateDirect(3).asReadOnlyBuffer(), MsgFlag.PEEK))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(backing).containsOnly(0);
            assertThat(s.read(ByteBuffer.allocate(3))).as("the data is still queued").isEqualTo(3);
        }
    }

    @Test
    void writingFromAReadOnlyBufferWorks() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            c.writeFully(ByteBuffer.wrap(new byte[] {4, 5}).asReadOnlyBuffer());
            ByteBuffer direct = ByteBuffer.allocateDirect(1).put(0, (byte) 6);
            c.writeFully(direct.asReadOnlyBuffer());
            byte[] got = new byte[3];
            s.readFully(got);
            assertThat(got).containsExactly(4, 5, 6);
        }
    }

    @Test
    void streamsFollowTheJavaContracts() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            c.outputStream().write(new byte[] {(byte) 0xff, 7});
            c.shutdown(Shutdown.WRITE);
            InputStream in = s.inputStream();
            assertThat(in.read()).isEqualTo(0xff); // unsigned
            assertThat(in.read(new byte[0], 0, 0)).isZero();
            assertThat(in.read()).isEqualTo(7);
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.read(new byte[4])).isEqualTo(-1);
            in.close();
            assertThat(s.isOpen()).as("closing the stream closes the socket").isFalse();
        }
    }

    @Test
    void peekLeavesTheDataQueuedAndDontwaitOnAnEmptySocketIsEagain() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            assertErrno(() -> s.recv(ByteBuffer.allocate(8), MsgFlag.DONTWAIT), "recv", Errno.EAGAIN);
            assertThat(s.tryRead(ByteBuffer.allocate(8))).isEqualTo(Socket.UNAVAILABLE);
            c.writeFully("abc".getBytes());
            ByteBuffer peek = ByteBuffer.allocate(8);
            assertThat(s.recv(peek, MsgFlag.PEEK)).isEqualTo(3);
            assertThat(peek.position()).as("a peek does not consume").isZero();
            assertThat(new String(peek.array(), 0, 3)).isEqualTo("abc");
            ByteBuffer read = ByteBuffer.allocate(8);
            assertThat(s.recv(read, MsgFlag.DONTWAIT)).isEqualTo(3);
            assertThat(new String(read.array(), 0, 3)).isEqualTo("abc");
            assertErrno(() -> s.recv(ByteBuffer.allocate(8), MsgFlag.DONTWAIT), "recv", Errno.EAGAIN);
        }
    }

    @Test
    void waitallReadsTheWholeBuffer() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            Thread w = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 4; i++) c.writeFully(new byte[] {(byte) i});
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ByteBuffer all = ByteBuffer.allocate(4);
            while (all.hasRemaining()) s.recv(all, MsgFlag.WAITALL);
            assertThat(all.array()).containsExactly(0, 1, 2, 3);
            w.join();
        }
    }

    @Test
    void sendWithDontwaitIsEagainOnceTheSendBufferIsFull() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            ErrnoException full = null;
            for (int i = 0; i < 10_000 && full == null; i++) { // bounded: buffers are a few MiB at most
                chunk.clear();
                try {
                    c.send(chunk, MsgFlag.DONTWAIT);
                } catch (ErrnoException e) {
                    full = e;
                }
            }
            assertThat(full).isNotNull();
            assertThat(full.errno()).isEqualTo(Errno.EAGAIN);
            // tryWrite says the same as a value; ACKs may free some room first, so fill again.
            int n = 0;
            for (int i = 0; i < 10_000 && n != Socket.UNAVAILABLE; i++) n = c.tryWrite(chunk.clear());
            assertThat(n).isEqualTo(Socket.UNAVAILABLE);
        }
    }

    @Test
    void datagramsKeepTheirBoundariesAndSayWhoSentThem() throws IOException {
        try (Socket a = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP);
                Socket b = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP)) {
            a.bind(SockAddr.loopback4(0));
            b.bind(SockAddr.loopback4(0));
            byte[] big = new byte[60_000];
            new Random(1).nextBytes(big);
            assertThat(a.sendto(ByteBuffer.wrap("one".getBytes()), b.getsockname())).isEqualTo(3);
            assertThat(a.sendto(ByteBuffer.wrap(big), b.getsockname())).isEqualTo(big.length);
            assertThat(a.sendto(ByteBuffer.allocate(0), b.getsockname())).isZero();
            ByteBuffer buf = ByteBuffer.allocate(65_536);
            Socket.Received r = b.recvfrom(buf);
            assertThat(r.length()).isEqualTo(3);
            assertThat(r.from()).isEqualTo(a.getsockname());
            buf.clear();
            r = b.recvfrom(buf);
            assertThat(r.length()).isEqualTo(big.length);
            assertThat(java.util.Arrays.copyOf(buf.array(), r.length())).isEqualTo(big);
            buf.clear();
            assertThat(b.recvfrom(buf).length()).as("an empty datagram is a datagram").isZero();
        }
    }

    @Test
    void aDatagramLargerThanTheBufferIsCutToIt() throws IOException {
        try (Socket a = Socket.open(Family.INET6, SocketType.DGRAM, Protocol.DEFAULT);
                Socket b = Socket.open(Family.INET6, SocketType.DGRAM, Protocol.DEFAULT)) {
            b.bind(SockAddr.loopback6(0));
            a.sendto(ByteBuffer.wrap("0123456789".getBytes()), b.getsockname());
            a.sendto(ByteBuffer.wrap("next".getBytes()), b.getsockname());
            ByteBuffer small = ByteBuffer.allocate(4);
            assertThat(b.recvfrom(small).length()).isEqualTo(4);
            assertThat(new String(small.array())).isEqualTo("0123");
            assertThat(b.read(ByteBuffer.allocate(16))).as("the rest of the first datagram is gone").isEqualTo(4);
        }
    }

    @Test
    void writingToAResetPeerIsEpipeOrEconnresetNeverSigpipe() throws Exception {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]) {
            Loopback.reset(p[1]); // RST
            ErrnoException failed = null;
            ByteBuffer chunk = ByteBuffer.allocate(8192);
            for (int i = 0; i < 1000 && failed == null; i++) {
                chunk.clear();
                try {
                    c.write(chunk);
                } catch (ErrnoException e) {
                    failed = e;
                }
            }
            assertThat(failed).as("a write to a reset connection fails").isNotNull();
            assertThat(failed.errno()).isIn(Errno.EPIPE, Errno.ECONNRESET);
            assertThat(failed.syscall()).isEqualTo("send");
            ErrnoException again = null;
            try {
                c.write(ByteBuffer.allocate(10));
            } catch (ErrnoException e) {
                again = e;
            }
            assertThat(again).isNotNull();
            assertThat(again.errno()).as("once reset, every write is EPIPE").isEqualTo(Errno.EPIPE);
        }
    }
}
