package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The help as a new user reads it: summaries not cut, footers not wrapped, a mistyped command gets the nearest one. */
class HelpTextTest {

    @Test
    void everyCommandsSummaryInTheRootHelpIsAWholeSentence() {
        for (Map.Entry<String, CommandLine> c : JsockCommand.commandLine().getSubcommands().entrySet()) {
            String[] description = c.getValue().getCommandSpec().usageMessage().description();
            assertThat(description).as(c.getKey()).isNotEmpty();
            assertThat(description[0].strip()).as(c.getKey() + "'s first line, the one the root help shows").endsWith(".");
        }
    }

    @Test
    void noHelpLineIsWiderThan80ColumnsSoNothingIsWrappedMidWord() {
        CommandLine root = JsockCommand.commandLine();
        for (CommandLine c : List.of(root, root.getSubcommands().get("serve"), root.getSubcommands().get("connect"),
                root.getSubcommands().get("ss"), root.getSubcommands().get("lab"))) {
            String[] footer = c.getCommandSpec().usageMessage().footer();
            for (String line : String.join("%n", footer).formatted().split("\\R")) {
                assertThat(line.length()).as(c.getCommandName() + " footer line '" + line + "'").isLessThanOrEqualTo(79);
            }
            StringWriter out = new StringWriter();
            c.usage(new PrintWriter(out));
            for (String line : out.toString().split("\\R")) {
                assertThat(line.length()).as(c.getCommandName() + ": '" + line + "'").isLessThanOrEqualTo(80);
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "server echo  | jsock: unknown command 'server'; did you mean 'serve'? (see: jsock --help)",
        "conect x     | jsock: unknown command 'conect'; did you mean 'connect'? (see: jsock --help)",
        "SS           | jsock: unknown command 'SS'; did you mean 'ss'? (see: jsock --help)",
        "frobnicate   | jsock: unknown command 'frobnicate'; expected one of help, serve, bench, ss, lab, connect, trace (see: jsock --help)",
    })
    void aMistypedCommandGetsTheNearestOneAndExitStatus2(String args, String message) {
        ServeCommandTest.assertBadUsage(args, message);
    }

    @Test
    void serveTakesTcpserversShortOptions() {
        CommandLine serve = JsockCommand.commandLine().getSubcommands().get("serve");
        assertThat(serve.getCommandSpec().findOption("-b").longestName()).isEqualTo("--bind");
        assertThat(serve.getCommandSpec().findOption("-m").longestName()).isEqualTo("--model");
        assertThat(serve.getCommandSpec().findOption("-c").longestName()).isEqualTo("--max-connections");
        ServeCommandTest.Result r = ServeCommandTest.inProcess("serve", "echo", "-m", "fork", "-b", "127.0.0.1:0", "-c", "3");
        assertThat(r.err()).startsWith("jsock: unknown model 'fork'");
    }
}
