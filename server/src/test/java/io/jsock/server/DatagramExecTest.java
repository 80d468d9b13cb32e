package io.jsock.server;

import static io.jsock.server.Clients.sockets;
import static io.jsock.server.Clients.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import io.jsock.socket.Errno;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** serve exec over UDP: inetd's wait convention with a real program that reads its datagram from descriptor 0. */
class DatagramExecTest {

    /** Reads one datagram from fd 0 with recvfrom, answers it in capitals with sendto, exits. */
    static final List<String> UPPER = List.of("python3", "-c",
            "import socket\n"
            + "s = socket.socket(fileno=0)\n"
            + "d, a = s.recvfrom(65536)\n"
            + "s.sendto(d.upper(), a)\n");

    private static Socket client() throws Exception {
        Socket c = Socket.open(Family.INET, SocketType.DGRAM, Protocol.DEFAULT);
        c.setTimeout(Clients.READ_LIMIT);
        return c;
    }

    private static String ask(Socket c, DatagramServer s, String text) throws Exception {
        c.sendto(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), s.localAddress());
        ByteBuffer reply = ByteBuffer.allocate(1000);
        Socket.Received r = c.recvfrom(reply);
        return new String(reply.array(), 0, r.length(), StandardCharsets.US_ASCII);
    }

    @Test
    void eachWaitingDatagramSpawnsTheProgramOnTheSocketAndEveryChildIsReaped() throws Exception {
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        long socketsBefore = sockets();
        try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").command(UPPER).log(lines::add).start();
             Socket c = client()) {
            assertThat(ask(c, s, "hello")).isEqualTo("HELLO");
            assertThat(ask(c, s, "again")).isEqualTo("AGAIN");
            assertThat(ask(c, s, "third")).isEqualTo("THIRD");
            waitFor(() -> s.activeConnections() == 0 && lines.size() == 3);
            assertThat(s.counts().answered()).as("spawns").isEqualTo(3);
            assertThat(lines).hasSize(3).allMatch(l -> l.matches("udp:127\\.0\\.0\\.1:\\d+: pid \\d+ \\(python3\\) exit 0"));
        }
        assertThat(ProcessHandle.current().children()).as("children reaped").isEmpty();
        assertThat(sockets()).isEqualTo(socketsBefore);
    }

    @Test
    void closeEndsARunningProgramAfterTheGracePeriodAndReapsIt() throws Exception {
        List<String> sleeper = List.of("python3", "-c", "import time\ntime.sleep(120)\n");
        DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").command(sleeper)
                .grace(Duration.ofMillis(200)).start();
        try (Socket c = client()) {
            c.sendto(ByteBuffer.wrap(new byte[] {'x'}), s.localAddress());
            waitFor(() -> s.activeConnections() == 1);
            assertThat(s.activeConnections()).isEqualTo(1);
            assertThat(ProcessHandle.current().children()).hasSize(1);
        } finally {
            s.close();
        }
        assertThat(ProcessHandle.current().children()).as("SIGTERM, then reaped").isEmpty();
        assertThat(s.activeConnections()).isZero();
    }

    @Test
    void aMissingProgramFailsStartWithOneLine() {
        assertThatThrownBy(() -> DatagramServer.builder().bind("udp:127.0.0.1:0").command(List.of("no-such-program-jsock")).start())
                .isInstanceOfSatisfying(SyscallFailure.class, f -> assertThat(f.errno()).isEqualTo(Errno.ENOENT))
                .hasMessageContaining("no-such-program-jsock");
    }
}
