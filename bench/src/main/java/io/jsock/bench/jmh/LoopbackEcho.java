package io.jsock.bench.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The far side of the round-trip benchmarks: a JDK blocking echo on 127.0.0.1, one platform thread
 * per connection, the same for every client measured, so only the client side differs.
 */
final class LoopbackEcho implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Thread acceptor;
    // Guarded by `this`: connections to close with the echo.
    private final List<SocketChannel> connections = new ArrayList<>();

    LoopbackEcho() throws IOException {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 16);
        acceptor = Thread.ofPlatform().daemon().name("bench-echo-accept").start(this::acceptLoop);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel c = listener.accept();
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                synchronized (this) {
                    connections.add(c);
                }
                Thread.ofPlatform().daemon().name("bench-echo").start(() -> echo(c));
            }
        } catch (IOException closed) {
            // the listener was closed: the echo is over
        }
    }

    private static void echo(SocketChannel c) {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        try (c) {
            while (c.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) c.write(buf);
                buf.clear();
            }
        } catch (IOException closed) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (this) {
            for (SocketChannel c : connections) c.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
