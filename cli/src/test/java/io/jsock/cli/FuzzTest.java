package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.Endpoint;
import io.jsock.server.Model;
import io.jsock.socket.SockAddr;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every parser of outside text, fuzzed (see {@link Fuzzer}): each input is accepted, or refused with the
 * parser's own exception and a message of one line; never another exception, never a hang.
 */
class FuzzTest {

    @Test
    void addressText() throws Exception {
        acceptedOnesParseBack("address", SockAddr::parse);
    }

    @Test
    void bindEndpoints() throws Exception {
        acceptedOnesParseBack("endpoint", Endpoint::parse);
    }

    @Test
    void modelText() throws Exception {
        acceptedOnesParseBack("model", Model::parse);
    }

    /** Each input refused with IllegalArgumentException in one line, or accepted as a value whose text parses back to it. */
    private static <T> void acceptedOnesParseBack(String corpus, Function<String, T> parse) throws Exception {
        Fuzzer.fuzz(corpus, s -> {
            try {
                T value = parse.apply(s);
                assertThat(parse.apply(value.toString())).as("toString parses back").isEqualTo(value);
            } catch (IllegalArgumentException refused) {
                Fuzzer.assertClear(s, refused);
            }
        });
    }

    @Test
    void durationsAndNumbers() throws Exception {
        Durations durations = new Durations();
        Integers integers = new Integers();
        Fuzzer.fuzz("duration", s -> {
            try {
                assertThat(durations.convert(s).isNegative()).isFalse();
            } catch (Errors.BadValue refused) {
                Fuzzer.assertClear(s, refused);
            }
            try {
                integers.convert(s);
            } catch (Errors.BadValue refused) {
                Fuzzer.assertClear(s, refused);
            }
        });
    }

    /** The command line, parsed (not run): a bad one is one line from the CLI's own handler, exit 2. */
    @Test
    void commandLineArguments() throws Exception {
        Fuzzer.fuzz("args", s -> {
            CommandLine cl = JsockCommand.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            String[] args = s.split(" ");
            try {
                cl.parseArgs(args);
            } catch (CommandLine.ParameterException bad) {
                assertThat(Errors.badUsage(bad, args)).isEqualTo(Errors.USAGE);
                assertThat(err.toString()).startsWith("jsock: ").hasLineCount(1);
            }
        });
    }
}
