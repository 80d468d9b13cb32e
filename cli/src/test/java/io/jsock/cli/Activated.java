package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the socket-activation tests share: the real tools, free ports, an echo round trip over any socket type. */
final class Activated {
    private Activated() {}

    static final String SOCKET_ACTIVATE = "/usr/bin/systemd-socket-activate";

    static void assumeSocketActivate() {
        assumeTrue(Files.isExecutable(Path.of(SOCKET_ACTIVATE)), "needs systemd-socket-activate (Debian: systemd; scripts/install-deps.sh)");
    }

    /** A port free on {@code loopback} now (bound and closed: the tools given it cannot take port 0). */
    static int freePort(SockAddr loopback, SocketType type) throws IOException {
        try (Socket s = Socket.open(loopback.family(), type, Protocol.DEFAULT)) {
            s.bind(loopback);
            return s.getsockname().port();
        }
    }

    /** Connects (a 60 s hang guard on every call), sends {@code text}, and for streams shuts down the write side. */
    static Socket send(SockAddr to, SocketType type, String text) throws IOException {
        Family f = to.family();
        Socket c = Socket.open(f, type, Protocol.DEFAULT);
        boolean success = false;
        try {
            c.setTimeout(Duration.ofSeconds(60));
            c.connect(to, Duration.ofSeconds(60));
            c.writeFully(text.getBytes(StandardCharsets.US_ASCII));
            if (type == SocketType.STREAM) c.shutdown(Shutdown.WRITE);
            success = true;
            return c;
        } finally {
            if (!success) c.close();
        }
    }

    /** What an echo service sends back for {@code text}: all of it for a stream, one message otherwise. */
    static String echo(SockAddr to, SocketType type, String text) throws IOException {
        try (Socket c = send(to, type, text)) {
            if (type == SocketType.STREAM) return new String(c.inputStream().readAllBytes(), StandardCharsets.US_ASCII);
            ByteBuffer b = ByteBuffer.allocate(4096);
            c.read(b);
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
        }
    }

    /** Waits (at most 60 s) for a process to exit; returns its status. */
    static int exit(Process p) throws InterruptedException {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        return p.exitValue();
    }
}
