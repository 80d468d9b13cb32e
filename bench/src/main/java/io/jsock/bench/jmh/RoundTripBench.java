package io.jsock.bench.jmh;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A 64-byte request and its echo over loopback TCP: jsock's {@link Socket} against the JDK's blocking
 * {@link SocketChannel}, both with heap buffers and TCP_NODELAY, against the same JDK echo thread.
 * This class runs the benchmark method on JMH's platform threads; {@link RoundTripVirtualBench} on
 * virtual threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class RoundTripBench {
    static final int SIZE = 64;

    private LoopbackEcho echo;
    private Socket jsock;
    private SocketChannel jdk;
    private final ByteBuffer out = ByteBuffer.allocate(SIZE);
    private final ByteBuffer in = ByteBuffer.allocate(SIZE);

    /** Whether JMH runs the benchmark methods on virtual threads (checked: a wrong executor would measure the wrong thing). */
    boolean virtual() {
        return false;
    }

    @Setup(Level.Trial)
    public void connect() throws IOException {
        if (Thread.currentThread().isVirtual() != virtual()) {
            throw new IllegalStateException("benchmark thread " + Thread.currentThread() + ", expected virtual=" + virtual());
        }
        echo = new LoopbackEcho();
        jsock = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
        jsock.setOption(SockOpt.TCP_NODELAY, true);
        jsock.connect(SockAddr.of(echo.address()));
        jdk = SocketChannel.open(echo.address());
        jdk.setOption(StandardSocketOptions.TCP_NODELAY, true);
        for (int i = 0; i < SIZE; i++) out.put(i, (byte) i);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        jsock.close();
        jdk.close();
        echo.close();
    }

    @Benchmark
    public byte jsock() throws IOException {
        out.clear();
        jsock.writeFully(out);
        in.clear();
        jsock.readFully(in);
        return in.get(SIZE - 1);
    }

    @Benchmark
    public byte jdk() throws IOException {
        out.clear();
        while (out.hasRemaining()) jdk.write(out);
        in.clear();
        while (in.hasRemaining()) {
            if (jdk.read(in) < 0) throw new EOFException();
        }
        return in.get(SIZE - 1);
    }
}
