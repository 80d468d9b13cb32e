package io.jsock.server.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.Model;
import io.jsock.server.TcpServer;
import io.jsock.server.event.EventHandler;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A handler that blocks its event loop (against the contract) cannot hold the server's stop forever. */
class BlockingHandlerStopTest {

    @Test
    void closeReturnsWhileAHandlerStillBlocksItsLoop() throws Exception {
        CountDownLatch blocking = new CountDownLatch(1), release = new CountDownLatch(1);
        EventHandler.Factory stuck = c -> (conn, in) -> {
            blocking.countDown();
            try {
                release.await(60, TimeUnit.SECONDS); // blocks the loop thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        TcpServer server = TcpServer.builder().bind("127.0.0.1:0").model(Model.epoll(1)).grace(Duration.ofMillis(100))
                .eventHandler(stuck).start();
        try (Socket client = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            client.connect(server.localAddress());
            client.writeFully(new byte[] {1});
            assertThat(blocking.await(20, TimeUnit.SECONDS)).isTrue();
            Thread closer = Thread.ofPlatform().start(server::close);
            assertThat(closer.join(Duration.ofSeconds(30))).as("close returned").isTrue();
            assertThat(release.getCount()).as("the handler still blocks: close did not wait for it").isEqualTo(1);
        } finally {
            release.countDown();
        }
    }
}
