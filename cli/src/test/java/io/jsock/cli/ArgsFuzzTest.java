package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Fuzzes the command line, parsed (not run): the input's words, split at spaces, are the arguments; a
 * bad one is one line from the CLI's own handler, exit 2. See {@link FuzzText}.
 */
class ArgsFuzzTest {
    private final CommandLine cl = JsockCommand.commandLine(); // picocli resets every option at each parse
    private final StringWriter err = new StringWriter();

    ArgsFuzzTest() {
        cl.setErr(new PrintWriter(err, true));
    }

    @FuzzTest
    void commandLine(byte[] input) {
        String[] args = FuzzText.decode(input).split(" ");
        err.getBuffer().setLength(0);
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException bad) {
            assertThat(Errors.badUsage(bad, args)).isEqualTo(Errors.USAGE);
            assertThat(err.toString()).startsWith("jsock: ").hasLineCount(1);
        }
    }
}
