package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.lab.net.TestNetwork;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code jsock ss} in a namespace, against iproute2's ss there: the incomplete queue (connections in
 * SYN_RECV whose SYN-ACKs the router blackholes) counted per listener.
 */
class SsCommandNetnsTest {

    @Test
    void theIncompleteQueueCountsTheSynRecvEntriesSsShows() throws Exception {
        assumeTrue(TestNetwork.isAvailable(), () -> "skipped: " + TestNetwork.unavailableReason());
        List<Socket> open = new ArrayList<>();
        try (TestNetwork net = TestNetwork.create()) {
            byte[] b = net.clientAddress().getAddress();
            b[3] = 11;
            Inet4Address lost = (Inet4Address) InetAddress.getByAddress(b);
            net.ip(net.client(), "addr", "add", lost.getHostAddress() + "/26", "dev", "eth0");
            net.ip(net.router(), "route", "add", "blackhole", lost.getHostAddress() + "/32");
            Socket l = net.call(net.server(), () -> Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP));
            open.add(l);
            l.bind(SockAddr.of(net.serverAddress(), 0));
            l.listen(16);
            int port = l.getsockname().port();
            for (int i = 0; i < 4; i++) {
                Socket c = net.call(net.client(), () -> Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP));
                open.add(c);
                c.bind(SockAddr.of(lost, 0));
                try {
                    c.connect(l.getsockname(), Duration.ofMillis(20));
                } catch (SocketTimeoutException stillConnecting) {
                    // the SYN left; the SYN-ACK will not come back
                }
            }
            String oracle = "";
            for (int tries = 0; tries < 100 && oracle.lines().count() < 4; tries++) { // SYNs cross two veths: moments
                oracle = net.exec(net.server(), "ss", "-tanH", "state", "syn-recv", "sport = :" + port).out();
                if (oracle.lines().count() < 4) Thread.sleep(20);
            }
            // (with one state asked for, ss leaves the State column out)
            assertThat(oracle.lines()).hasSize(4).allMatch(line -> line.contains(" " + lost.getHostAddress() + ":"));

            SsCommandTest.Run r = net.call(net.server(), () -> SsCommandTest.jsock("ss", "-tl", "--port", Integer.toString(port)));
            assertThat(r.exit()).isZero();
            assertThat(r.out().lines().map(line -> String.join(" ", line.trim().split("\\s+"))).toList()).containsExactly(
                    "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process SYN-RECV",
                    "LISTEN 0 16 " + net.serverAddress().getHostAddress() + ":" + port + " 0.0.0.0:* 4");

            SsCommandTest.Run all = net.call(net.server(), () -> SsCommandTest.jsock("ss", "-ta", "--port", Integer.toString(port)));
            assertThat(all.out().lines().filter(line -> line.startsWith("SYN-RECV"))).hasSize(4)
                    .allMatch(line -> line.contains(lost.getHostAddress() + ":"));
        } finally {
            open.forEach(Socket::close);
        }
    }
}
