package io.jsock.bench;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
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

    @Option(names = "--connections", defaultValue = "1,10,100", split = ",", paramLabel = "N,...", description = "connection counts, e.g. 1,10,100,1000,10000 (default: ${DEFAULT-VALUE}); the bench raises RLIMIT_NOFILE "
            + "for itself and its servers as far as it may; with two or more, scale.svg draws each server's line")
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

    @Option(names = "--threads", paramLabel = "N", description = "generator threads (default: one per core; with --pin one per generator CPU)")
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

    @Option(names = "--check", description = "check the generator on the C reference at 1 connection: against a plain blocking "
            + "client (paired 200 ms slices, median ratio within 10%%) and against itself (rate x mean latency = 1 within 10%%)")
    boolean check;

    @Option(names = "--pin", arity = "0..1", fallbackValue = "auto", paramLabel = "S:G",
            description = "pin the server to CPUs S and the generator (this JVM) to CPUs G with taskset, e.g. 0:1 or 0-1:2-3; "
                    + "bare --pin: the first half of the CPUs for the server, the rest for the generator")
    String pin;

    @Option(names = "--syscalls", description = "count each server's system calls per operation over the measured window "
            + "(perf stat on its pid, syscalls:sys_enter_ tracepoints of the calls a server makes) and print them per server")
    boolean syscalls;

    @Option(names = "--jmh", paramLabel = "PATTERN", description = "run the JMH benchmarks matching PATTERN (a regular expression, "
            + "e.g. 'io.jsock.bench.jmh.(DowncallBench|RoundTrip)') with this JVM; exit 1 when none matches or one fails")
    String jmh;

    @Option(names = "--jmh-options", paramLabel = "'OPTS'", description = "with --jmh: JMH's own options, e.g. '-f 1 -wi 3 -w 1s -i 5 -r 1s'")
    String jmhOptions;

    public static void main(String[] args) {
        System.exit(cli().execute(args));
    }

    /** The command with its error handling: a bad argument is one line and exit 2, an I/O failure one line and exit 1. */
    static CommandLine cli() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IOException) {
                line.getErr().println("jsock bench: " + e.getMessage());
                return e instanceof IOException ? 1 : 2;
            }
            throw e;
        });
        return cl;
    }

    /**
     * The exit code of a run whose load saw {@code errors} errors: 0 for none; else 1, with one line
     * on {@code err} (a figure measured while echoes failed is not a figure to trust).
     */
    static int exitCode(long errors, String firstError, java.io.PrintWriter err) {
        if (errors == 0) return 0;
        err.println("jsock bench: the load saw " + errors + " error" + (errors == 1 ? "" : "s")
                + (firstError == null ? "" : " (first: " + firstError + ")"));
        return 1;
    }

    @Override
    public Integer call() throws Exception {
        Mode m = Mode.parse(mode);
        Duration d = parseDuration(duration, "--duration");
        Duration w = parseDuration(warmup, "--warmup");
        int cores = Runtime.getRuntime().availableProcessors();
        Pinning pinning = pin == null ? null : Pinning.parse(pin, Pinning.allowed(ProcessHandle.current().pid()));
        int t = threads != null ? threads : pinning != null ? pinning.generatorCpus() : cores;
        if (passes < 1) throw new IllegalArgumentException("--passes must be at least 1, not " + passes);
        for (int c : connections) if (c < 1) throw new IllegalArgumentException("--connections must be at least 1, not " + c);
        if (jmh != null) {
            Jmh.run(jmh, jmhOptions);
            return 0;
        }
        if (check) {
            // Pairs of 200 ms slices, as many as fit in passes x the duration (at least 5).
            int pairs = (int) Math.max(5, passes * d.toMillis() / 400);
            return GeneratorCheck.run(size, pairs, Duration.ofMillis(200), w, System.out, System.err);
        }
        if (target != null) return single(SockAddr.parse(target), m, d, w, t);

        if (pinning != null) {
            if (Tools.onPath("taskset") == null) throw new IOException("--pin needs taskset: apt-get install util-linux");
            Pinning.pin(ProcessHandle.current().pid(), pinning.generator());
        }
        if (syscalls && SyscallCounter.missing() != null) throw new IOException(SyscallCounter.missing());
        if (jfr != null) Files.createDirectories(jfr);
        // Many connections: more descriptors for this JVM (the generator) and for every server it starts.
        int most = connections.stream().mapToInt(Integer::intValue).max().orElse(1);
        long want = Limits.wanted(most), have = LoadGenerator.openFileLimit(ProcessHandle.current().pid());
        long descriptors = 0;
        if (have < want) {
            have = Limits.raise(ProcessHandle.current().pid(), want);
            descriptors = Math.min(have, want);
            if (have < want) System.err.println("could not raise RLIMIT_NOFILE to " + want + " (prlimit; above the hard limit it needs "
                    + "CAP_SYS_RESOURCE): it is " + have + ", so cells above about " + (have - 4096) + " connections may not be measured");
        }
        SideBySide.Plan plan = new SideBySide.Plan(ServerSpec.list(servers), connections, m, size, w, d, passes, t,
                jfr == null ? null : jfr.toAbsolutePath(), gc, pinning, syscalls, descriptors);
        long cellNanos = (m == Mode.IDLE ? Duration.ofSeconds(5) : d.plus(w)).toNanos() + 1_000_000_000L;
        Progress progress = new Progress(System.err, Progress.stderrIsTerminal(), plan.cells(), cellNanos);
        SideBySide run = new SideBySide(plan, progress, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(progress::clear));
        String loadBefore = loadAverage();
        run.run();
        Report report = new Report(plan, run.cells, run.skipped);
        report.print(System.out);
        SyscallCounter.table(run.cells, System.out);
        System.out.println();
        System.out.println("load average (1/5/15 min) before: " + loadBefore + ", after: " + loadAverage()
                + " on " + cores + " cores; " + (pinning == null ? "not pinned (server and generator share every core)" : pinning.describe()));
        Path dir = out != null ? out : Tools.targetDir().resolve("results-" + m.label());
        Files.createDirectories(dir);
        String command = commandLine();
        report.writeCsv(dir.resolve("results.csv"));
        report.writeJson(dir.resolve("results.json"), command);
        SvgChart.write(dir.resolve("chart.svg"), report, plan, command);
        boolean scaleChart = ScaleChart.applies(plan);
        if (scaleChart) ScaleChart.write(dir.resolve("scale.svg"), report, plan, command);
        System.out.println();
        System.out.println("wrote " + dir.resolve("results.csv") + ", results.json, chart.svg" + (scaleChart ? ", scale.svg" : ""));
        if (run.notMeasured > 0) {
            spec.commandLine().getErr().println("jsock bench: " + run.notMeasured + " cell" + (run.notMeasured == 1 ? " was" : "s were")
                    + " not measured (see the lines above)");
            return 1;
        }
        return exitCode(run.cells.stream().mapToLong(cell -> cell.result().errors()).sum(),
                run.cells.stream().map(cell -> cell.result().firstError()).filter(java.util.Objects::nonNull).findFirst().orElse(null),
                spec.commandLine().getErr());
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "jsock bench" + (args.isEmpty() ? "" : " " + String.join(" ", args));
    }

    /** The generator alone against a running server. */
    private int single(SockAddr at, Mode m, Duration d, Duration w, int t) throws Exception {
        java.io.PrintWriter o = spec.commandLine().getOut();
        if (syscalls && pid < 0) throw new IllegalArgumentException("--syscalls with --target needs the server's --pid");
        if (syscalls && m != Mode.IDLE && SyscallCounter.missing() != null) throw new IOException(SyscallCounter.missing());
        probe(at);
        long errors = 0;
        String firstError = null;
        for (int c : connections) {
            LoadResult r;
            String calls = "";
            try (SyscallCounter counter = syscalls && m != Mode.IDLE ? SyscallCounter.attach(pid) : null) {
                r = new LoadGenerator(() -> { }, counter).run(new LoadSpec(at, m, c, size, w, d, Math.min(t, c)), pid);
                if (counter != null) calls = "  system calls per op: " + SyscallCounter.perOp(counter.counts(), r.ops());
            }
            o.printf(Locale.ROOT, "%s c=%d: %s %s  p50 %s us  p90 %s us  p99 %s us  p99.9 %s us  server CPU %s us/op (server process / children: %s)  generator CPU %s us/op  errors %d%s%n",
                    m.label(), c, Report.number(r.rate()), m.unit, Report.number(r.latencyMicros(50)),
                    Report.number(r.latencyMicros(90)), Report.number(r.latencyMicros(99)), Report.number(r.latencyMicros(99.9)),
                    Report.number(r.cpuMicrosPerOp()), Report.split(r.parentCpuMicrosPerOp(), r.childrenCpuMicrosPerOp()),
                    Report.number(r.clientCpuMicrosPerOp()), r.errors(), r.firstError() == null ? "" : " (" + r.firstError() + ")");
            if (!calls.isEmpty()) o.println(m.label() + " c=" + c + calls);
            errors += r.errors();
            if (firstError == null) firstError = r.firstError();
        }
        o.flush();
        return exitCode(errors, firstError, spec.commandLine().getErr());
    }

    /** One connection to the target before any load: an unreachable one is one line (connect, address, errno), exit 1. */
    private static void probe(SockAddr at) throws IOException {
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            s.connect(at, Duration.ofSeconds(5));
        }
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
