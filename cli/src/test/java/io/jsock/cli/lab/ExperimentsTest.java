package io.jsock.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

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
    void acceptBlocksUntilAClientCompletesTheHandshake() {
        assertThat(run("accept-blocks").verdict()).isEqualTo(Verdict.HOLDS);
    }

    @Test
    void closeOfADupedDescriptorSendsNothingWhileShutdownSendsFin() {
        Outcome o = run("close-vs-shutdown");
        assertThat(o.verdict()).isEqualTo(Verdict.HOLDS);
        assertThat(o.facts()).containsEntry("segmentsAfterClose", 0).containsEntry("peerReadAfterLingerZero", "ECONNRESET");
    }
}
