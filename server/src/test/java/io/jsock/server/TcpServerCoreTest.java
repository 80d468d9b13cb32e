package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The accept loop and the thread-based models serve an echo handler and shut down cleanly, also at the cap. */
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

    @ParameterizedTest
    @ValueSource(strings = {"thread", "virtual", "pool:2"})
    void closeEndsTheAcceptThreadsThatWaitForASlotAtTheCap(String model) throws Exception {
        Set<Thread> before = acceptThreads();
        TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.parse(model)).handler(ECHO).maxConnections(1)
                .grace(Duration.ZERO).start();
        try (Socket holder = Clients.connect(s.localAddress())) {
            assertThat(Clients.echoByte(holder, (byte) 'h')).isEqualTo((byte) 'h'); // holds the one slot: accepting waits
            Set<Thread> ours = acceptThreads();
            ours.removeAll(before);
            assertThat(ours).isNotEmpty();
            s.close();
            assertThat(ours).as("accept threads after close").noneMatch(Thread::isAlive);
        }
    }

    /** The threads that run the accept loop: {@code jsock-accept} (thread, virtual) and {@code jsock-pool-<i>}. */
    private static Set<Thread> acceptThreads() {
        Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
        threads.removeIf(t -> !t.getName().equals("jsock-accept") && !t.getName().startsWith("jsock-pool"));
        return threads;
    }
}
