package io.jsock.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.cli.net.TestNetwork;
import org.junit.jupiter.api.Test;

/** Every experiment of {@code jsock lab}, run on this kernel: each ends explained, and the ones that should hold, hold. */
class ExperimentsTest {

    private static Outcome run(String name) {
        Outcome o = Lab.run(Lab.named(name));
        assertThat(o.unexpected()).as(name + " saw:\n" + String.join("\n", o.evidence())).isEmpty();
        assertThat(o.millis()).as("within the limit").isLessThan(Lab.LIMIT.toMillis());
        return o;
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
        assertThat(o.verdict()).isEqualTo(Verdict.HOLDS);
        assertThat(o.facts()).containsEntry("incompleteQueue", 3).containsEntry("completedQueueWhileHalfOpen", 0L)
                .containsEntry("completedQueueFull", 3L).containsEntry("backlog", 2L).containsEntry("acceptInConnectOrder", true);
        assertThat((Long) o.facts().get("listenOverflows")).isPositive();
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
