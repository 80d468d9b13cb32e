package io.jsock.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.lab.net.TestNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every experiment of {@code jsock lab}, run on this kernel: each ends explained, and the ones that should hold, hold. */
class ExperimentsTest {
    static {
        System.setProperty("jsock.lab.limitSeconds", "180"); // what the kernel does, not how fast a loaded machine is
        try {
            io.jsock.socket.Socket.preload(); // the socket layer's descriptors for the process's life, made before counting
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs one experiment; it must end explained and leave no socket, child or namespace behind. */
    private static Outcome run(String name) {
        long socketsBefore = sockets();
        Outcome o = Lab.run(Lab.named(name));
        assertThat(o.unexpected()).as(name + " saw:\n" + String.join("\n", o.evidence())).isEmpty();
        assertThat(sockets()).as("socket descriptors left open by " + name).isEqualTo(socketsBefore);
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).as("children left").isZero();
        assertThat(ourNamespaces()).as("namespaces left").isEmpty();
        return o;
    }

    /** Open descriptors of this JVM that are sockets. */
    private static long sockets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false; // closed while we looked (the listing's own descriptor, a finishing thread's)
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Network namespaces named after this process (TestNetwork's jsock-X-PID-N). */
    private static List<String> ourNamespaces() {
        Path dir = Path.of("/var/run/netns");
        if (!Files.isDirectory(dir)) return List.of();
        String mine = "-" + ProcessHandle.current().pid() + "-";
        try (Stream<Path> ns = Files.list(dir)) {
            return ns.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("jsock-") && n.contains(mine)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void familiesDifferOnlyWhereLinuxIsKnownToDiffer() {
        Outcome o = run("families");
        assertThat(o.verdict()).isEqualTo(Verdict.DIFFERS);
        assertThat(o.differences()).anyMatch(d -> d.contains("PF_NETLINK SOCK_DGRAM"));
        assertThat(o.differences()).anyMatch(d -> d.contains("PF_LOCAL SOCK_RAW"));
    }

    @Test
    void bindsFourRowsHoldOnIpv4AndIpv6() {
        Outcome o = run("bind");
        assertThat(o.verdict()).isEqualTo(Verdict.HOLDS);
        assertThat(o.evidence()).filteredOn(l -> l.startsWith("bind ")).hasSize(8);
    }

    @Test
    void connectErrorsAreTheTextsFourOnANamespacedNetwork() {
        assumeTrue(TestNetwork.isAvailable(), () -> "skipped: " + TestNetwork.unavailableReason());
        Outcome o = run("connect-errors");
        assertThat(o.verdict()).isIn(Verdict.HOLDS, Verdict.DIFFERS);
        assertThat(o.facts()).containsKeys("ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENETUNREACH_local", "EHOSTUNREACH_prohibited");
    }

    @Test
    void aSecondClientWaitsOnTheIterativeServerAndNotOnConcurrentOnes() {
        Outcome o = run("iterative-vs-concurrent");
        assertThat(o.verdict()).isEqualTo(Verdict.HOLDS);
        assertThat(o.facts().get("models").toString()).contains(
                "iterative={secondServedWhileFirstConnected=false, completedQueueWhileFirstConnected=1, secondServedAfterFirstLeft=true}",
                "process={secondServedWhileFirstConnected=true, completedQueueWhileFirstConnected=0}",
                "thread={secondServedWhileFirstConnected=true, completedQueueWhileFirstConnected=0}");
    }

    @Test
    void aListenerShowsBothQueuesAndAcceptDrainsTheCompletedOneInOrder() {
        assumeTrue(TestNetwork.isAvailable(), () -> "skipped: " + TestNetwork.unavailableReason());
        Outcome o = run("listen-queues");
        assertThat(o.verdict()).isIn(Verdict.HOLDS, Verdict.DIFFERS);
        assertThat(o.differences()).allMatch(d -> d.contains("SYN cookies")); // the only known difference
        assertThat((Integer) o.facts().get("incompleteQueueBound")).isLessThanOrEqualTo(3); // backlog 2, "full" is more than it
        assertThat(o.facts()).containsEntry("incompleteQueue", 3).containsEntry("completedQueueWhileHalfOpen", 0L)
                .containsEntry("completedQueueFull", 3L).containsEntry("backlog", 2L).containsEntry("acceptInConnectOrder", true);
        assertThat((Long) o.facts().get("listenOverflows")).isPositive();
    }

    @Test
    void theHandshakeIsSynSynAckAckAndTheCloseFourSegmentsOnTheWire() throws IOException {
        assumeTrue(root(), "skipped: capturing segments needs CAP_NET_RAW (root)");
        Outcome o = run("handshake");
        assertThat(o.verdict()).isIn(Verdict.HOLDS, Verdict.DIFFERS); // DIFFERS: the server's ACK rode on its FIN
        assertThat(o.facts()).containsEntry("handshake", List.of("SYN", "SYN-ACK", "ACK"));
        assertThat(o.figures()).singleElement().isInstanceOf(io.jsock.lab.draw.Ladder.class);
    }

    private static boolean root() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    }

    @Test
    void acceptBlocksUntilAClientCompletesTheHandshake() {
        assertThat(run("accept-blocks").verdict()).isEqualTo(Verdict.HOLDS);
    }

    @Test
    void aChildHoldingConnfdKeepsTheFinBackUntilItExits() {
        Outcome o = run("fork-and-close");
        assertThat(o.verdict()).isEqualTo(Verdict.HOLDS);
        assertThat(o.facts()).containsEntry("segmentsAfterParentClose", 0).containsEntry("peerSawEndOfStreamAfterChildExit", true);
    }

    @Test
    void closeOfADupedDescriptorSendsNothingWhileShutdownSendsFin() {
        Outcome o = run("close-vs-shutdown");
        assertThat(o.verdict()).isEqualTo(Verdict.HOLDS);
        assertThat(o.facts()).containsEntry("segmentsAfterClose", 0).containsEntry("peerReadAfterLingerZero", "ECONNRESET");
    }
}
