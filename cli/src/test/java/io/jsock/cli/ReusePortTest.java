package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code serve --reuseport}: independent processes share one port (SO_REUSEPORT) and the kernel spreads connections over them. */
class ReusePortTest {

    @Test
    void twoProcessesShareAPortAndBothServe() throws Exception {
        try (ServeProcess first = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--reuseport", "-v");
             ServeProcess second = ServeProcess.start("serve", "echo", "--bind", first.address().toString(), "--reuseport", "-v")) {
            assertThat(second.address()).isEqualTo(first.address());
            // The kernel hashes each connection (its source port) onto one of the two: 64 all on one is 2^-63.
            for (int i = 0; i < 64; i++) {
                try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                    c.setTimeout(Duration.ofSeconds(30));
                    c.connect(first.address());
                    c.writeFully(new byte[] {(byte) i});
                    c.shutdown(Shutdown.WRITE);
                    assertThat(c.inputStream().readAllBytes()).containsExactly(i);
                }
            }
            for (ServeProcess p : List.of(first, second)) {
                p.awaitLine(l -> l.contains(" open"));
                p.signal("TERM");
                assertThat(p.awaitExit()).isZero();
            }
        }
    }

    @Test
    void withoutItTheSecondProcessGetsEaddrinuse() throws Exception {
        try (ServeProcess first = ServeProcess.start("serve", "echo", "--bind", "127.0.0.1:0", "--reuseport")) {
            JsockProcess.Run r = JsockProcess.run(JsockProcess.command(List.of(), "serve", "echo", "--bind", first.address().toString()), new byte[0]);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("bind " + first.address() + ": EADDRINUSE");
            first.signal("TERM");
            assertThat(first.awaitExit()).isZero();
        }
    }
}
