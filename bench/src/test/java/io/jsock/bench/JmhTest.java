package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.Options;
import picocli.CommandLine;

/** --jmh runs JMH in this JVM (its forks on the same java, with native access); nothing matched or a failure is exit 1. */
class JmhTest {
    @Test
    void optionsKeepJmhsOwnAndAddNativeAccessAndFailOnError() throws IOException {
        Options o = Jmh.options("DowncallBench", "-f 2 -wi 1");
        assertThat(o.getIncludes()).containsExactly("DowncallBench");
        assertThat(o.getForkCount().get()).isEqualTo(2);
        assertThat(o.getWarmupIterations().get()).isEqualTo(1);
        assertThat(o.getJvmArgsPrepend().get()).contains("--enable-native-access=ALL-UNNAMED");
        assertThat(o.shouldFailOnError().get()).isTrue();
        assertThat(Jmh.options("X", "-foe false").shouldFailOnError().get()).isFalse();
    }

    @Test
    void badJmhOptionsAreABadArgument() {
        assertThatThrownBy(() -> Jmh.options("X", "-f notanumber")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--jmh-options '-f notanumber': ");
    }

    @Test
    void aPatternThatMatchesNothingIsOneLineAndExitOne() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.cli();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("--jmh", "NoSuchBenchmarkAnywhere");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("jsock bench: no JMH benchmark matches 'NoSuchBenchmarkAnywhere'");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void runsABenchmarkInProcessAndReportsItsResult() throws IOException {
        // One tiny in-process iteration of the cheapest benchmark (-f 0: no fork): that it runs, not how fast.
        int results = Jmh.run("io.jsock.bench.jmh.DowncallBench.jsockTryReadEmpty", "-f 0 -wi 0 -i 1 -r 100ms");
        assertThat(results).isEqualTo(1);
    }
}
