package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A run whose load saw errors exits 1 with one line; an unreachable target is one line naming connect and the errno. */
class ExitCodeTest {
    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private int bench(String... args) {
        CommandLine cl = Main.cli();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void anUnreachableTargetIsOneLineAndExitOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        int code = bench("--target", "127.0.0.1:" + port, "--connections", "1", "--duration", "200ms", "--warmup", "0");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("jsock bench: connect 127.0.0.1:" + port + ": ECONNREFUSED (Connection refused)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aLoadWithErrorsExitsOneAndSaysSo() throws Exception {
        // A server that answers the first echo of each connection and then resets it: the probe passes, the load fails.
        try (ServerSocket l = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!l.isClosed()) {
                    try {
                        Socket s = l.accept();
                        Thread.ofVirtual().start(() -> echoOnceThenReset(s));
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            int code = bench("--target", "127.0.0.1:" + l.getLocalPort(), "--connections", "1", "--duration", "300ms", "--warmup", "0");
            l.close();
            acceptor.join(5000);
            assertThat(code).isEqualTo(1);
            assertThat(out.toString()).contains("rr c=1:").containsPattern("errors [1-9]");
            assertThat(err.toString()).startsWith("jsock bench: the load saw ").contains(" error");
            assertThat(err.toString().strip().lines()).hasSize(1);
        }
    }

    @Test
    void noErrorsMeansExitZeroAndNoLine() {
        StringWriter bytes = new StringWriter();
        PrintWriter p = new PrintWriter(bytes, true);
        assertThat(Main.exitCode(0, null, p)).isZero();
        assertThat(Main.exitCode(3, "connect: ECONNRESET", p)).isEqualTo(1);
        assertThat(bytes.toString()).isEqualTo("jsock bench: the load saw 3 errors (first: connect: ECONNRESET)" + System.lineSeparator());
    }

    private static void echoOnceThenReset(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] b = in.readNBytes(64);
            out.write(b);
            s.setSoLinger(true, 0); // close sends RST
        } catch (Exception e) {
            // the generator closed it
        }
    }
}
