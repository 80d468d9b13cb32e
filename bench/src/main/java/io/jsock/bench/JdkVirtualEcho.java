package io.jsock.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A peer for the side-by-side runs: the JDK's own way to write jsock's {@code virtual} model -- a
 * java.net.ServerSocket, one virtual thread per accepted java.net.Socket, an 8 KiB buffer, echo.
 * Usage: {@code JdkVirtualEcho ADDR:PORT}. Prints {@code listening on ADDR:PORT} on stderr.
 */
public final class JdkVirtualEcho {
    private JdkVirtualEcho() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1 || args[0].lastIndexOf(':') < 0) {
            System.err.println("usage: JdkVirtualEcho ADDR:PORT");
            System.exit(2);
        }
        int colon = args[0].lastIndexOf(':');
        InetAddress host = InetAddress.getByName(args[0].substring(0, colon));
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(host, Integer.parseInt(args[0].substring(colon + 1))), 4096);
            System.err.println("listening on " + host.getHostAddress() + ":" + listener.getLocalPort()
                    + " (jdk virtual thread per connection)");
            while (true) {
                Socket connection = listener.accept();
                Thread.ofVirtual().name("echo-", connection.getPort()).start(() -> serve(connection));
            }
        }
    }

    private static void serve(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            connection.setTcpNoDelay(true);
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
        } catch (IOException e) {
            // a reset client costs only its own connection
        }
    }
}
