package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code jsock lab}: names, exit codes, text and JSON. */
class LabCommandTest {
    static {
        System.setProperty("jsock.lab.limitSeconds", "180"); // what the kernel does, not how fast a loaded machine is
    }

    @Test
    void anUnknownExperimentIsOneLineNamingTheExperimentsAndExitTwo() {
        SsCommandTest.Run r = SsCommandTest.jsock("lab", "nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("jsock: no experiment 'nope'; the experiments are: families, bind,")
                .doesNotContain("\n");
    }

    @Test
    void twoExperimentsPrintClaimEvidenceVerdictAndASummaryTable() {
        SsCommandTest.Run r = SsCommandTest.jsock("lab", "accept-blocks", "close-vs-shutdown");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("accept-blocks  (UNP 4.6)", "  claim    ", "  saw      ", "  verdict  holds on this kernel")
                .doesNotContain("\u001b["); // not a terminal: no colour
        assertThat(r.out()).containsPattern("(?m)^Experiment\\s+§\\s+Verdict\\s+Time$")
                .containsPattern("(?m)^close-vs-shutdown\\s+4.9\\s+holds\\s+\\d+\\.\\d s$");
    }

    @Test
    void jsonCarriesTheVerdictEvidenceAndFacts() {
        SsCommandTest.Run r = SsCommandTest.jsock("lab", "--json", "accept-blocks");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("{\n  \"ok\": true,").contains("\"name\": \"accept-blocks\"", "\"verdict\": \"holds\"",
                "\"acceptReturnedAfterConnectMillis\"");
    }

    @Test
    void listNamesEveryExperimentWithItsSectionAndRunsNothing() {
        SsCommandTest.Run r = SsCommandTest.jsock("lab", "--list");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("(?m)^families\\s+4\\.2\\s+socket\\(family")
                .containsPattern("(?m)^close-vs-shutdown\\s+4\\.9\\s+close only")
                .doesNotContain("verdict");
    }
}
