package io.jsock.lab.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    @Test
    void aRunThatEndsWithoutClosingLeavesNothingBehind() throws Exception {
        for (String how : List.of("exit", "wait")) {
            Process p = new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), AbandonedNetwork.class.getName(), how).start();
            try {
                String names = new java.io.BufferedReader(new java.io.InputStreamReader(
                        p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertThat(names).as("the child printed its namespaces").isNotNull();
                List<String> made = List.of(names.strip().split(" "));
                assertThat(made).hasSize(3).allMatch(n -> n.startsWith("jsock-"));
                if (how.equals("wait")) {
                    for (String ns : made) assertThat(Path.of("/var/run/netns", ns)).exists();
                    p.destroy(); // SIGTERM: the JVM runs its shutdown hooks
                }
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                for (String ns : made) assertThat(Path.of("/var/run/netns", ns)).as(how + ": " + ns).doesNotExist();
            } finally {
                Exec.kill(p);
            }
        }
    }

    @Test
    void namespacesOfAProcessThatIsGoneAreSweptByTheNextCreate() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = "jsock-c-" + gone.pid() + "-1";
        assumeTrue(ProcessHandle.of(gone.pid()).isEmpty(), "the pid was reused at once");
        Exec.run(java.time.Duration.ofSeconds(15), List.of(Exec.which("ip").toString(), "netns", "add", stale)).check();
        try {
            try (TestNetwork net = TestNetwork.create()) {
                assertThat(Path.of("/var/run/netns", stale)).doesNotExist();
            }
        } finally {
            Exec.run(java.time.Duration.ofSeconds(15), List.of(Exec.which("ip").toString(), "netns", "del", stale));
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
