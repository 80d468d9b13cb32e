package io.jsock.server;

import static io.jsock.server.Clients.acceptQueue;
import static io.jsock.server.Clients.connect;
import static io.jsock.server.Clients.echoByte;
import static io.jsock.server.Clients.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.MsgFlag;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients the server does not serve yet wait in the kernel's completed queue (UNP 4.5): behind the
 * iterative server's one client, and behind --max-connections. The queue is read from the
 * listener (TCP_INFO), so nothing here depends on how long anything takes.
 */
class WaitingInTheQueueTest {

    @Test
    void theIterativeServerServesASecondClientOnlyAfterTheFirstLeaves() throws Exception {
        try (TcpServer s = EveryModelTest.server("iterative").start(); Socket first = connect(s.localAddress())) {
            assertThat(echoByte(first, (byte) '1')).isEqualTo((byte) '1');
            try (Socket second = connect(s.localAddress())) { // connect returns: the handshake is complete
                second.writeFully(new byte[] {'2'});
                waitFor(() -> queued(s) == 1);
                assertThat(acceptQueue(s)).as("the second waits, accepted by nobody").isEqualTo(1);
                assertNothingToRead(second);
                assertThat(echoByte(first, (byte) '1')).as("the first is still being served").isEqualTo((byte) '1');
                assertThat(acceptQueue(s)).isEqualTo(1);
                assertNothingToRead(second);

                first.close();
                ByteBuffer got = ByteBuffer.allocate(1);
                second.readFully(got); // blocks until the server has taken it from the queue
                assertThat(got.get(0)).isEqualTo((byte) '2');
                assertThat(acceptQueue(s)).isZero();
            }
        }
    }

    /** The concurrent models (the iterative one serves one at a time whatever the cap). */
    static java.util.stream.Stream<String> concurrentModels() {
        // (prefork:2 with a cap of 2 gives each worker 1: the test's two clients fill both.)
        return EveryModelTest.models().filter(m -> !m.equals("iterative"));
    }

    @ParameterizedTest
    @MethodSource("concurrentModels")
    void atMaxConnectionsTheNextClientCompletesItsHandshakeAndIsServedWhenASlotFrees(String model) throws Exception {
        try (TcpServer s = EveryModelTest.server(model).maxConnections(2).start();
                Socket a = connect(s.localAddress());
                Socket b = connect(s.localAddress())) {
            assertThat(echoByte(a, (byte) 'a')).isEqualTo((byte) 'a');
            assertThat(echoByte(b, (byte) 'b')).isEqualTo((byte) 'b');
            try (Socket extra = connect(s.localAddress())) { // not refused: the kernel completes the handshake
                extra.writeFully(new byte[] {'c'});
                waitFor(() -> queued(s) == 1);
                assertThat(acceptQueue(s)).as("in the kernel's queue, not accepted").isEqualTo(1);
                if (EveryModelTest.countsHere(model)) assertThat(s.activeConnections()).isEqualTo(2);
                assertNothingToRead(extra);

                a.close(); // a slot frees
                ByteBuffer got = ByteBuffer.allocate(1);
                extra.readFully(got);
                assertThat(got.get(0)).isEqualTo((byte) 'c');
                assertThat(acceptQueue(s)).isZero();
                assertThat(echoByte(b, (byte) 'b')).isEqualTo((byte) 'b');
            }
        }
    }

    /** recv with MSG_DONTWAIT: nothing has been sent to this client (EAGAIN), and it was not closed either. */
    private static void assertNothingToRead(Socket c) {
        assertThatThrownBy(() -> c.recv(ByteBuffer.allocate(1), MsgFlag.DONTWAIT))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EAGAIN));
    }

    private static int queued(TcpServer s) {
        try {
            return acceptQueue(s);
        } catch (IOException e) {
            return -1;
        }
    }
}
