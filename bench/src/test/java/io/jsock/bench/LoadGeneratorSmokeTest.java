package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.SockAddr;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short runs of the load generator against the C reference (every mode), and one against a server that corrupts echoes. */
class LoadGeneratorSmokeTest {
    @TempDir
    static Path dir;
    static ServerProcess server;

    @BeforeAll
    static void startC() throws Exception {
        ServerSpec c = ServerSpec.of(ServerSpec.C);
        server = ServerProcess.start(c, c.resolve(dir), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopC() throws Exception {
        if (server != null) server.close();
    }

    private static LoadResult run(Mode mode, int connections, int size) throws Exception {
        LoadSpec spec = new LoadSpec(server.address(), mode, connections, size, Duration.ofMillis(100), Duration.ofMillis(400), 2);
        return new LoadGenerator().run(spec, server.pid());
    }

    @Test
    void requestResponseCompletesEchoesWithoutErrorsAndMeasuresServerCpu() throws Exception {
        LoadResult r = run(Mode.RR, 3, 64);
        assertThat(r.errors()).as(String.valueOf(r.firstError())).isZero();
        assertThat(r.ops()).isPositive();
        assertThat(r.latency().getTotalCount()).isEqualTo(r.ops());
        assertThat(r.bytes()).isEqualTo(r.ops() * 64);
        assertThat(r.serverCpuNanos()).isGreaterThanOrEqualTo(0);
        assertThat(r.rate()).isPositive();
    }

    @Test
    void connectRequestCloseCompletesWholeConnections() throws Exception {
        LoadResult r = run(Mode.CRR, 2, 32);
        assertThat(r.errors()).as(String.valueOf(r.firstError())).isZero();
        assertThat(r.ops()).isPositive();
    }

    @Test
    void bulkStreamsAndChecksTheEcho() throws Exception {
        LoadResult r = run(Mode.BULK, 1, 65536);
        assertThat(r.errors()).as(String.valueOf(r.firstError())).isZero();
        assertThat(r.bytes()).isPositive();
    }

    @Test
    void idleOpensEveryConnectionAndReportsServerDescriptorsPerConnection() throws Exception {
        LoadResult r = run(Mode.IDLE, 50, 64);
        assertThat(r.errors()).as(String.valueOf(r.firstError())).isZero();
        assertThat(r.connections()).isEqualTo(50);
        // Each connection costs the server exactly one descriptor (its connfd).
        assertThat(r.fdsPerConnection()).isEqualTo(1.0);
    }

    @Test
    void anEchoWithOneWrongByteIsCountedAsAnError() throws Exception {
        try (ServerSocket l = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!l.isClosed()) {
                    try {
                        Socket s = l.accept();
                        Thread.ofVirtual().start(() -> corruptingEcho(s));
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            LoadSpec spec = new LoadSpec(SockAddr.parse("127.0.0.1:" + l.getLocalPort()), Mode.RR, 1, 64,
                    Duration.ZERO, Duration.ofMillis(300), 1);
            LoadResult r = new LoadGenerator().run(spec, -1);
            assertThat(r.errors()).isPositive();
            assertThat(r.firstError()).contains("differs");
            assertThat(r.ops()).isZero();
            l.close();
            acceptor.join(5000);
        }
    }

    private static void corruptingEcho(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] b = new byte[64];
            for (int n; (n = in.read(b)) > 0; ) {
                b[n - 1] ^= 1;
                out.write(b, 0, n);
            }
        } catch (Exception e) {
            // the generator closed it
        }
    }
}
