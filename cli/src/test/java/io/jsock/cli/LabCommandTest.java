package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.lab.Lab;
import io.jsock.lab.Outcome;
import io.jsock.lab.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Help.Ansi;

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
    void theTerminalShowsTheLadderAndReportWritesOneSelfContainedPage() throws Exception {
        java.nio.file.Path page = java.nio.file.Files.createTempFile("jsock-lab-report", ".html");
        try {
            SsCommandTest.Run r = SsCommandTest.jsock("lab", "handshake", "--report", page.toString());
            assertThat(r.err()).contains("jsock: report written to " + page);
            String html = java.nio.file.Files.readString(page);
            assertThat(html).startsWith("<!DOCTYPE html>").contains("id=\"handshake\"", "verdict");
            if (r.out().contains("skipped")) return; // not root: no capture, nothing drawn
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).containsPattern("\\|-+ SYN seq 0 -+>\\|").containsPattern("\\|<-+ SYN-ACK seq 0 ack 1 -+\\|");
            assertThat(html).contains("<svg", "data-flags=\"SYN-ACK\"");
        } finally {
            java.nio.file.Files.deleteIfExists(page);
        }
    }

    @Test
    void jsonCarriesTheVerdictEvidenceAndFacts() {
        SsCommandTest.Run r = SsCommandTest.jsock("lab", "--json", "accept-blocks");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("{\n  \"ok\": true,").contains("\"name\": \"accept-blocks\"", "\"verdict\": \"holds\"",
                "\"acceptReturnedAfterConnectMillis\"");
    }

    @Test
    void onATerminalVerdictsAreColouredAndTheSummaryStaysAligned() {
        Outcome holds = new Outcome(Lab.named("bind"), Verdict.HOLDS, List.of(), Map.of(), List.of(), List.of(), null, 300);
        Outcome odd = new Outcome(Lab.named("families"), Verdict.UNEXPECTED, List.of(), Map.of(), List.of(), List.of("x"), null, 700);
        LabCommand.Colour on = new LabCommand.Colour(Ansi.ON);
        assertThat(on.verdict(Verdict.HOLDS, "holds")).isEqualTo("\u001b[32mholds\u001b[39m\u001b[0m");
        String coloured = LabCommand.summary(List.of(holds, odd), on);
        assertThat(coloured).contains("\u001b[31m\u001b[1mUNEXPECTED");
        assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(LabCommand.summary(List.of(holds, odd), LabCommand.Colour.NONE));
    }

    @Test
    void listNamesEveryExperimentWithItsSectionAndRunsNothing() {
        SsCommandTest.Run r = SsCommandTest.jsock("lab", "--list");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("(?m)^families\\s+4\\.2\\s+socket\\(family")
                .containsPattern("(?m)^close-vs-shutdown\\s+4\\.9\\s+close only")
                .doesNotContain("verdict");
    }

    @Test
    void listWithJsonIsJson() {
        SsCommandTest.Run r = SsCommandTest.jsock("lab", "--list", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.out().replaceAll("\\s+", "")).startsWith("{\"experiments\":[{\"name\":\"families\",\"section\":\"4.2\",\"claim\":")
                .endsWith("]}").doesNotContain("verdict");
    }
}
