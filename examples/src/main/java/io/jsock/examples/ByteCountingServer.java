package io.jsock.examples;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.jsock.server.Model;
import io.jsock.server.TcpServer;
import io.jsock.server.event.EventConnection;
import io.jsock.server.event.EventHandler;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An {@code epoll} server: an {@link EventHandler} per connection, called back from the event loop,
 * never blocking. This one counts what the client sends and, at the client's FIN, says how much.
 */
public final class ByteCountingServer {
    private ByteCountingServer() {}

    /** One per connection, so it may keep state; every callback runs on the connection's loop thread. */
    static final class ByteCounter implements EventHandler {
        private long bytes;

        @Override
        public void onReadable(EventConnection c, ByteBuffer in) {
            bytes += in.remaining();
            in.position(in.limit()); // taken: the loop's buffer is reused after this call
        }

        @Override
        public void onEndOfInput(EventConnection c) {
            c.write(ByteBuffer.wrap((bytes + " bytes\n").getBytes(US_ASCII))); // queued if the socket is full
            c.close(); // once the queue is sent
        }
    }

    public static void main(String[] args) throws IOException {
        try (TcpServer server = TcpServer.builder().bind("127.0.0.1:0").model(Model.epoll(1))
                     .eventHandler(connection -> new ByteCounter()).start();
             Socket client = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            client.connect(server.localAddress());
            client.writeFully(new byte[100_000]);
            client.shutdown(Shutdown.WRITE);
            System.out.print("the server counted " + new String(client.inputStream().readAllBytes(), US_ASCII));
        }
    }
}
