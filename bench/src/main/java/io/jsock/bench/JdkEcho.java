package io.jsock.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A peer for the side-by-side runs: the JDK's own way to write jsock's {@code virtual} and
 * {@code thread} models -- a java.net.ServerSocket, one virtual thread (or one platform thread) per
 * accepted java.net.Socket, an 8 KiB buffer, echo. Usage: {@code JdkEcho virtual|thread ADDR:PORT}.
 * Prints {@code listening on ADDR:PORT} on stderr.
 */
public final class JdkEcho {
    private JdkEcho() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !(args[0].equals("virtual") || args[0].equals("thread")) || args[1].lastIndexOf(':') < 0) {
            System.err.println("usage: JdkEcho virtual|thread ADDR:PORT");
            System.exit(2);
        }
        boolean virtual = args[0].equals("virtual");
        int colon = args[1].lastIndexOf(':');
        InetAddress host = InetAddress.getByName(args[1].substring(0, colon));
        Thread.Builder threads = virtual ? Thread.ofVirtual().name("echo-", 0) : Thread.ofPlatform().daemon().name("echo-", 0);
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(host, Integer.parseInt(args[1].substring(colon + 1))), 4096);
            System.err.println("listening on " + host.getHostAddress() + ":" + listener.getLocalPort()
                    + " (jdk " + (virtual ? "virtual" : "platform") + " thread per connection)");
            while (true) {
                Socket connection = listener.accept();
                threads.start(() -> serve(connection));
            }
        }
    }

    private static void serve(Socket connection) {
        // No SO_TIMEOUT: with one, java.net makes the socket non-blocking and waits in poll (read, EAGAIN, poll, read).
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            connection.setTcpNoDelay(true);
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
        } catch (IOException e) {
            // a reset client costs only its own connection
        }
    }
}
