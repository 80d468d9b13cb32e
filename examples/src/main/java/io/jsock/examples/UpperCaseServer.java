package io.jsock.examples;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.jsock.server.Connection;
import io.jsock.server.Handler;
import io.jsock.server.Model;
import io.jsock.server.TcpServer;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.util.Locale;

/**
 * A {@link TcpServer} with a {@link Handler} of its own (UNP's {@code doit(connfd)}), under the
 * concurrency model named by the first argument ({@code virtual} when none: try {@code thread},
 * {@code pool:4}, {@code process}), and one client that talks to it.
 */
public final class UpperCaseServer {
    private UpperCaseServer() {}

    /**
     * Sends back what it reads, upper-cased, until the client's FIN; the server closes the socket
     * when it returns. Public, with a public no-arg constructor, so that the {@code process} model's
     * child JVM can build it.
     */
    public static final class UpperCase implements Handler {
        @Override
        public void serve(Connection c) throws IOException {
            byte[] b = new byte[4096];
            for (int n = c.socket().read(b); n > 0; n = c.socket().read(b)) {
                c.socket().writeFully(new String(b, 0, n, US_ASCII).toUpperCase(Locale.ROOT).getBytes(US_ASCII));
            }
        }
    }

    public static void main(String[] args) throws IOException {
        Model model = Model.parse(args.length > 0 ? args[0] : "virtual");
        try (TcpServer server = TcpServer.builder().bind("127.0.0.1:0").model(model).handler(new UpperCase()).start();
             Socket client = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            client.connect(server.localAddress()); // the port the kernel chose
            client.writeFully("hello, jsock\n".getBytes(US_ASCII));
            client.shutdown(Shutdown.WRITE); // FIN: the handler's read returns -1 after the line
            String reply = new String(client.inputStream().readAllBytes(), US_ASCII);
            System.out.print("model " + model + ": " + reply);
        }
    }
}
