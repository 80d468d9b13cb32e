package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The accept loop and the thread-based models serve an echo handler and shut down cleanly. */
class TcpServerCoreTest {
    static final Handler ECHO = c -> {
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (c.socket().read(b.clear()) > 0) c.socket().writeFully(b.flip());
    };

    @ParameterizedTest
    @ValueSource(strings = {"iterative", "thread", "virtual", "pool:3"})
    void echoesEveryByteAndClosesWithNothingLeft(String model) throws Exception {
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.parse(model)).handler(ECHO)
                .grace(Duration.ofSeconds(1)).start()) {
            byte[] data = new byte[200_000];
            new Random(1).nextBytes(data);
            for (int i = 0; i < 3; i++) {
                try (Socket c = Clients.connect(s.localAddress())) {
                    assertThat(Clients.echo(c, data)).isEqualTo(data); // and end of stream after it
                }
            }
        }
    }
}
