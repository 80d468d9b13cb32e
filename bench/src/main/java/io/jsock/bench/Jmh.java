package io.jsock.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code jsock bench --jmh PATTERN}: the JMH benchmarks in this jar, run by JMH's own runner in
 * this JVM -- the JDK 25 the launcher found, never a bare {@code java} that may be older -- with
 * forks on the same java, native access enabled in them, and a benchmark that fails failing the run.
 */
final class Jmh {
    private Jmh() {}

    /** The options JMH runs with: {@code pattern} and JMH's own command-line {@code options} (e.g. {@code -f 1 -wi 3}). */
    static Options options(String pattern, String options) throws IOException {
        List<String> args = new ArrayList<>();
        if (options != null && !options.isBlank()) args.addAll(List.of(options.strip().split("\\s+")));
        args.add(pattern);
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            throw new IllegalArgumentException("--jmh-options '" + options + "': " + e.getMessage());
        }
        OptionsBuilder b = new OptionsBuilder();
        b.parent(cmd).jvmArgsPrepend("--enable-native-access=ALL-UNNAMED");
        if (cmd.shouldFailOnError().hasValue()) return b.build();
        return b.shouldFailOnError(true).build();
    }

    /** Runs them; the number of results. A pattern that matches nothing, or a failing benchmark, is an IOException (one line). */
    static int run(String pattern, String options) throws IOException {
        try {
            Collection<RunResult> results = new Runner(options(pattern, options)).run();
            if (results.isEmpty()) throw new IOException("JMH measured nothing for '" + pattern + "'");
            return results.size();
        } catch (NoBenchmarksException e) {
            throw new IOException("no JMH benchmark matches '" + pattern + "' (they are io.jsock.bench.jmh.*: DowncallBench, RoundTripBench, RoundTripVirtualBench)");
        } catch (RunnerException e) {
            String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
            throw new IOException("JMH failed: " + why.lines().findFirst().orElse(why));
        }
    }
}
