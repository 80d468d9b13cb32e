package io.jsock.cli.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test network itself: built as described, its counters per namespace, and nothing left behind. */
class TestNetworkTest {

    @BeforeAll
    static void namespacesWorkHere() {
        assumeTrue(TestNetwork.isAvailable(), () -> "skipped: " + TestNetwork.unavailableReason());
    }

    @Test
    void closeDeletesTheNamespacesItMade() throws Exception {
        TestNetwork net = TestNetwork.create();
        for (String ns : net.namespaces()) assertThat(Path.of("/var/run/netns", ns)).exists();
        net.close();
        for (String ns : net.namespaces()) assertThat(Path.of("/var/run/netns", ns)).doesNotExist();
        net.close(); // twice is fine
    }

    @Test
    void theClientReachesTheServerThroughTheRouter() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Exec.Result route = net.exec(net.client(), "ip", "route", "get", net.serverAddress().getHostAddress());
            assertThat(route.check().out()).contains("via " + net.routerClientSide().getHostAddress());
            assertThat(Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip())
                    .as("forwarding is switched on in the router only").isIn("0", "1");
            assertThat(net.exec(net.router(), "cat", "/proc/sys/net/ipv4/ip_forward").check().out().strip()).isEqualTo("1");
        }
    }

    @Test
    void countersAreTheNamespacesOwn() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            NetCounters viaThread = net.counters(net.client());
            NetCounters viaExec = NetCounters.parse(
                    net.exec(net.client(), "cat", "/proc/net/snmp").check().out(),
                    net.exec(net.client(), "cat", "/proc/net/netstat").check().out());
            assertThat(viaThread.get("Tcp", "ActiveOpens")).isZero();
            assertThat(viaThread.get("Tcp", "OutSegs")).isEqualTo(viaExec.get("Tcp", "OutSegs")).isZero();
            assertThat(viaThread.get("TcpExt", "TCPSynRetrans")).isZero();
            assertThatThrownBy(() -> viaThread.get("Tcp", "NoSuchCounter")).hasMessageContaining("Tcp.NoSuchCounter");
        }
    }
}
