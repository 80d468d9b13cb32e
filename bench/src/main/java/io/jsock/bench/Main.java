package io.jsock.bench;

import io.jsock.socket.SockAddr;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jsock bench}: the server designs side by side with the peers, in one run. Also the load
 * generator alone ({@code --target}) and the check of the generator against an independent client
 * ({@code --check}). The bench jar's main class; JMH stays reachable as {@code org.openjdk.jmh.Main}.
 */
@Command(name = "jsock bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Starts each server in turn as its own process, runs the same load against each (passes interleaved), "
                    + "and prints medians with ratios to the C epoll reference; writes results.csv, results.json and chart.svg.",
            "Servers: c-epoll, epoll:1, epoll, uring:1, uring, virtual, thread, pool, prefork, iterative, process, process-cat, "
                    + "netty-epoll, netty-uring, netty-nio, jdk-virtual, jdk-thread, c-uring, tcpserver (or any jsock model with :N), or 'all'.",
        })
public final class Main implements Callable<Integer> {
    @Option(names = "--servers", defaultValue = "all", paramLabel = "LIST", description = "comma-separated servers (default: ${DEFAULT-VALUE})")
    String servers;

    @Option(names = "--connections", defaultValue = "1,10,100", split = ",", paramLabel = "N,...", description = "connection counts (default: ${DEFAULT-VALUE})")
    List<Integer> connections;

    @Option(names = "--size", defaultValue = "64", paramLabel = "BYTES", description = "message size; for bulk the write size (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--duration", defaultValue = "5s", paramLabel = "D", description = "measured time per cell, e.g. 5s, 500ms, 1m (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--warmup", defaultValue = "2s", paramLabel = "D", description = "load before measuring (default: ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--passes", defaultValue = "2", paramLabel = "N", description = "passes over all servers (default: ${DEFAULT-VALUE})")
    int passes;

    @Option(names = "--mode", defaultValue = "rr", paramLabel = "MODE", description = "rr, crr, idle or bulk (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--threads", paramLabel = "N", description = "generator threads (default: one per core)")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "where the CSV, JSON and SVG go (default: bench/target/results-MODE)")
    Path out;

    @Option(names = "--jfr", paramLabel = "DIR", description = "record every Java server with JFR (settings=profile) into DIR")
    Path jfr;

    @Option(names = "--gc", description = "idle: a full GC (jcmd PID GC.run) in each Java server before each memory reading")
    boolean gc;

    @Option(names = "--target", paramLabel = "ADDR:PORT", description = "only run the generator against this running server")
    String target;

    @Option(names = "--pid", defaultValue = "-1", paramLabel = "PID", description = "with --target: the server's pid, for its CPU time")
    long pid;

    @Option(names = "--check", description = "check the generator against a plain blocking client on the C reference (1 connection)")
    boolean check;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IOException) {
                line.getErr().println("jsock bench: " + e.getMessage());
                return e instanceof IOException ? 1 : 2;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Mode m = Mode.parse(mode);
        Duration d = parseDuration(duration, "--duration");
        Duration w = parseDuration(warmup, "--warmup");
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads == null ? cores : threads;
        if (passes < 1) throw new IllegalArgumentException("--passes must be at least 1, not " + passes);
        for (int c : connections) if (c < 1) throw new IllegalArgumentException("--connections must be at least 1, not " + c);
        if (check) return check(d, w);
        if (target != null) return single(SockAddr.parse(target), m, d, w, t);

        if (jfr != null) Files.createDirectories(jfr);
        SideBySide.Plan plan = new SideBySide.Plan(ServerSpec.list(servers), connections, m, size, w, d, passes, t,
                jfr == null ? null : jfr.toAbsolutePath(), gc);
        long cellNanos = (m == Mode.IDLE ? Duration.ofSeconds(5) : d.plus(w)).toNanos() + 1_000_000_000L;
        Progress progress = new Progress(System.err, Progress.stderrIsTerminal(), plan.cells(), cellNanos);
        SideBySide run = new SideBySide(plan, progress, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(progress::clear));
        String loadBefore = loadAverage();
        run.run();
        Report report = new Report(plan, run.cells, run.skipped);
        report.print(System.out);
        System.out.println();
        System.out.println("load average (1/5/15 min) before: " + loadBefore + ", after: " + loadAverage()
                + " on " + Runtime.getRuntime().availableProcessors() + " cores");
        Path dir = out != null ? out : Tools.targetDir().resolve("results-" + m.label());
        Files.createDirectories(dir);
        String command = commandLine();
        report.writeCsv(dir.resolve("results.csv"));
        report.writeJson(dir.resolve("results.json"), command);
        SvgChart.write(dir.resolve("chart.svg"), report, plan, command);
        System.out.println();
        System.out.println("wrote " + dir.resolve("results.csv") + ", results.json, chart.svg");
        return 0;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "jsock bench" + (args.isEmpty() ? "" : " " + String.join(" ", args));
    }

    /** The generator alone against a running server. */
    private int single(SockAddr at, Mode m, Duration d, Duration w, int t) throws Exception {
        PrintStream o = System.out;
        for (int c : connections) {
            LoadResult r = new LoadGenerator().run(new LoadSpec(at, m, c, size, w, d, Math.min(t, c)), pid);
            o.printf(Locale.ROOT, "%s c=%d: %s %s  p50 %s us  p90 %s us  p99 %s us  p99.9 %s us  server CPU %s us/op  generator CPU %s us/op  errors %d%s%n",
                    m.label(), c, Report.number(r.rate()), m.unit, Report.number(r.latencyMicros(50)),
                    Report.number(r.latencyMicros(90)), Report.number(r.latencyMicros(99)), Report.number(r.latencyMicros(99.9)),
                    Report.number(r.cpuMicrosPerOp()), Report.number(r.clientCpuMicrosPerOp()), r.errors(), r.firstError() == null ? "" : " (" + r.firstError() + ")");
        }
        return 0;
    }

    /**
     * Trust the numbers: on the C reference at one connection, the generator and a plain blocking
     * java.net client take turns in one-second slices (as many as {@code passes} x the duration in
     * seconds), so that the noise of a shared machine hits both alike; their medians must agree
     * within 10%.
     */
    private int check(Duration d, Duration w) throws Exception {
        if (CReference.EPOLL.missing() != null) throw new IOException("--check " + CReference.EPOLL.missing());
        ServerSpec c = ServerSpec.of(ServerSpec.C);
        int slices = (int) Math.max(passes, passes * Math.max(1, d.toSeconds()));
        Duration slice = Duration.ofSeconds(1), settle = Duration.ofMillis(300);
        double[] gen = new double[slices], plain = new double[slices];
        try (ServerProcess server = ServerProcess.start(c, c.resolve(Tools.targetDir()), Duration.ofSeconds(30))) {
            SockAddr at = server.address();
            String[] hp = at.toString().split(":");
            new LoadGenerator().run(new LoadSpec(at, Mode.RR, 1, size, Duration.ZERO, w, 1), server.pid()); // JIT warm-up
            BlockingClient.echoesPerSecond(hp[0], Integer.parseInt(hp[1]), size, Duration.ZERO, w);
            for (int i = 0; i < slices; i++) {
                gen[i] = new LoadGenerator().run(new LoadSpec(at, Mode.RR, 1, size, settle, slice, 1), server.pid()).rate();
                plain[i] = BlockingClient.echoesPerSecond(hp[0], Integer.parseInt(hp[1]), size, settle, slice);
                System.err.printf(Locale.ROOT, "slice %d/%d: generator %s echo/s, blocking java.net client %s echo/s%n",
                        i + 1, slices, Report.number(gen[i]), Report.number(plain[i]));
            }
        }
        java.util.Arrays.sort(gen);
        java.util.Arrays.sort(plain);
        double g = median(gen), p = median(plain);
        double ratio = g / p;
        System.out.printf(Locale.ROOT, "c-epoll, 1 connection, %d B, %d one-second slices each: generator median %s echo/s "
                        + "(quartiles %s..%s), blocking client median %s echo/s (quartiles %s..%s): ratio %.3f (%s)%n",
                size, slices, Report.number(g), Report.number(gen[slices / 4]), Report.number(gen[(3 * slices) / 4]),
                Report.number(p), Report.number(plain[slices / 4]), Report.number(plain[(3 * slices) / 4]), ratio,
                Math.abs(ratio - 1) <= 0.10 ? "agree within 10%" : "DIFFER by more than 10%");
        System.out.println("load average (1/5/15 min): " + loadAverage());
        return Math.abs(ratio - 1) <= 0.10 ? 0 : 1;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** /proc/loadavg's first three fields: how busy the machine was (a shared machine makes noisy numbers). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * "5s", "500ms", "2m", or a plain number of seconds. Not the jsock command's picocli converter
     * ({@code io.jsock.cli.Durations}): the bench does not link the CLI (nor the CLI the bench, which
     * carries Netty), no module both use has picocli, and this one takes more (bare seconds, a zero warm-up).
     */
    static Duration parseDuration(String s, String option) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            if (t.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            if (t.endsWith("m")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + s + "' is not a duration (want e.g. 5s, 500ms, 1m)");
        }
    }
}
