package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.Endpoint;
import io.jsock.server.Model;
import io.jsock.socket.SockAddr;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every parser of outside text, fuzzed (see {@link Fuzzer}): each input is accepted, or refused with the
 * parser's own exception and a message of one line; never another exception, never a hang.
 */
class FuzzTest {

    @Test
    void addressText() throws Exception {
        Fuzzer.fuzz("address", s -> {
            try {
                SockAddr a = SockAddr.parse(s);
                assertThat(SockAddr.parse(a.toString())).as("toString parses back").isEqualTo(a);
            } catch (IllegalArgumentException refused) {
                Fuzzer.assertClear(s, refused);
            }
        });
    }

    @Test
    void bindEndpoints() throws Exception {
        Fuzzer.fuzz("endpoint", s -> {
            try {
                Endpoint e = Endpoint.parse(s);
                assertThat(Endpoint.parse(e.toString())).as("toString parses back").isEqualTo(e);
            } catch (IllegalArgumentException refused) {
                Fuzzer.assertClear(s, refused);
            }
        });
    }

    @Test
    void modelText() throws Exception {
        Fuzzer.fuzz("model", s -> {
            try {
                Model m = Model.parse(s);
                assertThat(Model.parse(m.toString())).isEqualTo(m);
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
