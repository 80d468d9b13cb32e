package io.jsock.cli;

import io.jsock.socket.Accepted;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny echo server for tests, on the socket API: each connection is echoed until the client's FIN,
 * then closed. Records each client's address as accept(2) reported it.
 */
public final class EchoServer implements AutoCloseable {
    private final Socket listener;
    private final Thread acceptor;
    /** The peers accept returned, in order. */
    public final List<SockAddr> peers = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    /** Listens on {@code address} (port 0: the kernel picks) on the calling thread, so in its network namespace. */
    public EchoServer(SockAddr address) throws IOException {
        listener = Socket.open(address.family(), SocketType.STREAM, Protocol.DEFAULT);
        boolean success = false;
        try {
            listener.bind(address);
            listener.listen(16);
            success = true;
        } finally {
            if (!success) listener.close();
        }
        acceptor = Thread.ofVirtual().name("test-echo-accept").start(this::acceptLoop);
    }

    public static EchoServer onLoopback() throws IOException {
        return new EchoServer(SockAddr.parse("127.0.0.1:0"));
    }

    public SockAddr address() throws IOException {
        return listener.getsockname();
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            Accepted a;
            try {
                a = listener.accept();
            } catch (IOException closed) {
                return;
            }
            peers.add(a.peer());
            open.add(a.socket());
            Thread.ofVirtual().name("test-echo-conn").start(() -> echo(a.socket()));
        }
    }

    private void echo(Socket c) {
        try (c) {
            byte[] buf = new byte[32 * 1024];
            int n;
            while ((n = c.read(buf)) >= 0) c.writeFully(buf, 0, n);
        } catch (IOException e) {
            // the client reset or the test is closing the server
        } finally {
            open.remove(c);
        }
    }

    @Override
    public void close() throws InterruptedException {
        listener.close();
        acceptor.join();
        open.forEach(Socket::close);
    }
}
