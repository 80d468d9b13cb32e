package io.jsock.bench.jmh;

import io.jsock.socket.Family;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
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
 * The cost of one system call through the public API, errno capture included: a failing call
 * (recv on an empty socket: EAGAIN, returned as {@link Socket#UNAVAILABLE}) and a cheap succeeding
 * one (getsockopt SO_TYPE); next to the JDK's non-blocking read of an empty channel and its
 * getOption, which make the same system calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class DowncallBench {
    private Socket[] pair;
    private LoopbackEcho echo;
    private SocketChannel jdk;
    private final ByteBuffer buf = ByteBuffer.allocate(64);

    @Setup(Level.Trial)
    public void open() throws IOException {
        pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        echo = new LoopbackEcho();
        jdk = SocketChannel.open(StandardProtocolFamily.INET);
        jdk.connect(new InetSocketAddress(echo.address().getAddress(), echo.address().getPort()));
        jdk.configureBlocking(false);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        for (Socket s : pair) s.close();
        jdk.close();
        echo.close();
    }

    /** recv(2) failing with EAGAIN: the downcall, the errno read, no exception. */
    @Benchmark
    public int jsockTryReadEmpty() throws IOException {
        buf.clear();
        int n = pair[0].tryRead(buf);
        if (n != Socket.UNAVAILABLE) throw new AssertionError("data on an idle socket: " + n);
        return n;
    }

    /** getsockopt(2) SO_TYPE, succeeding. */
    @Benchmark
    public SocketType jsockGetOptionSoType() throws IOException {
        return pair[0].getOption(SockOpt.SO_TYPE);
    }

    /** The JDK's read(2) on an empty non-blocking channel (EAGAIN, returns 0). */
    @Benchmark
    public int jdkReadEmptyNonBlocking() throws IOException {
        buf.clear();
        return jdk.read(buf);
    }

    /** The JDK's getsockopt(2) through getOption (SO_RCVBUF; it has no SO_TYPE). */
    @Benchmark
    public int jdkGetOptionSoRcvbuf() throws IOException {
        return jdk.getOption(StandardSocketOptions.SO_RCVBUF);
    }
}
