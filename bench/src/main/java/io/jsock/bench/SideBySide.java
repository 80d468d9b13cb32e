package io.jsock.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The side-by-side run: every server in turn as its own process, the same load against each, for
 * every connection count; passes interleaved (the server order reversed on every other pass) so
 * that drift on a shared machine hits all servers alike.
 */
final class SideBySide {
    /** One measured cell. */
    record Cell(String server, int pass, int connections, LoadResult result, java.util.Map<String, Long> syscalls) {
        Cell(String server, int pass, int connections, LoadResult result) {
            this(server, pass, connections, result, null);
        }
    }

    /**
     * The settings of one side-by-side run. {@code pin}: null when not pinned; {@code descriptors}: the
     * RLIMIT_NOFILE each server runs with (0: inherited).
     */
    record Plan(List<ServerSpec> servers, List<Integer> connections, Mode mode, int size, Duration warmup,
                Duration duration, int passes, int threads, Path jfrDir, boolean gcBeforeIdleReading, Pinning pin,
                boolean syscalls, long descriptors) {
        int cells() {
            return servers.size() * connections.size() * passes;
        }
    }

    /** Servers that a process per connection makes unfit for idle runs above this many connections. */
    static final int IDLE_PROCESS_CAP = 500;

    private final Plan plan;
    private final Progress progress;
    private final PrintStream log;
    // Filled as the run goes; read when it ends.
    final List<Cell> cells = new ArrayList<>();
    final Map<String, String> skipped = new LinkedHashMap<>();
    /** Cells that should have been measured and were not: a server died, a cell failed. A run with any exits 1. */
    int notMeasured;

    SideBySide(Plan plan, Progress progress, PrintStream log) {
        this.plan = plan;
        this.progress = progress;
        this.log = log;
    }

    void run() throws IOException, InterruptedException {
        for (ServerSpec s : plan.servers()) {
            if (s.missing() != null) skip(s.name(), s.missing());
            else if (plan.mode() == Mode.IDLE && s.perConnectionProcess() && maxConnections() > IDLE_PROCESS_CAP) {
                skip(s.name(), "one process per connection: idle runs above " + IDLE_PROCESS_CAP + " connections leave it out");
            } else if (plan.mode() == Mode.IDLE && (s.name().startsWith("iterative") || s.name().startsWith("pool"))) {
                skip(s.name(), "serves a fixed number of connections at a time: it cannot hold " + maxConnections() + " idle ones");
            }
        }
        for (ServerSpec s : plan.servers()) {
            CReference c = CReference.named(s.name());
            if (c == null || skipped.containsKey(s.name())) continue;
            progress.status("compiling " + c.source() + " with gcc");
            try {
                c.build(Tools.targetDir());
            } catch (IOException e) {
                skip(s.name(), e.getMessage());
            }
        }
        for (int pass = 1; pass <= plan.passes(); pass++) {
            List<ServerSpec> order = new ArrayList<>(plan.servers());
            if (pass % 2 == 0) java.util.Collections.reverse(order);
            for (ServerSpec s : order) {
                if (skipped.containsKey(s.name())) {
                    progress.skip(plan.connections().size());
                    continue;
                }
                runServer(s, pass);
            }
        }
        progress.done();
    }

    private void runServer(ServerSpec s, int pass) throws IOException, InterruptedException {
        progress.status("pass " + pass + "/" + plan.passes() + "  starting " + s.name());
        ServerProcess server;
        try {
            Map<String, String> env = new java.util.HashMap<>();
            List<String> command = s.resolve(Tools.targetDir());
            if (plan.jfrDir() != null && s.isJava()) {
                // A JFR recording of this server over the whole pass (all connection counts), for profiles of missed goals.
                Path jfr = plan.jfrDir().resolve(s.name().replace(':', '_') + "-" + plan.mode().label() + "-pass" + pass + ".jfr");
                command = s.withJvmOptions(command, "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile", env);
            }
            if (plan.descriptors() > 0) command = Limits.prefix(command, plan.descriptors());
            if (plan.pin() != null) command = plan.pin().prefix(command);
            server = ServerProcess.start(s, command, env, Duration.ofSeconds(180));
        } catch (IOException e) {
            skip(s.name(), "did not start: " + e.getMessage());
            progress.skip(plan.connections().size());
            return;
        }
        try (server) {
            List<Integer> counts = plan.connections();
            for (int i = 0; i < counts.size(); i++) {
                int c = counts.get(i);
                if (!server.isAlive()) {
                    // Not a skip: the next pass starts it again. Say so once per pass.
                    progress.clear();
                    log.println(s.name() + " died in pass " + pass + " before c=" + c + ": " + server.exitReason());
                    notMeasured += counts.size() - i;
                    progress.skip(counts.size() - i);
                    return;
                }
                progress.cell(pass, plan.passes(), s.name(), plan.mode().label(), c);
                int threads = Math.min(plan.threads(), c);
                // An iterative server serves one connection at a time: the others never get their first echo.
                Duration readyWait = s.name().startsWith("iterative") ? Duration.ofSeconds(2) : LoadSpec.READY_WAIT;
                LoadSpec spec = new LoadSpec(server.address(), plan.mode(), c, plan.size(), plan.warmup(), plan.duration(),
                        threads, readyWait);
                LoadResult r;
                Map<String, Long> calls = null;
                SyscallCounter counter = null;
                try {
                    Runnable beforeReading = plan.gcBeforeIdleReading() && s.isJava() ? () -> fullGc(server.pid()) : () -> { };
                    if (plan.syscalls() && plan.mode() != Mode.IDLE) counter = SyscallCounter.attach(server.pid());
                    r = new LoadGenerator(beforeReading, counter).run(spec, server.pid());
                    if (counter != null) calls = counter.counts();
                } catch (IOException | IllegalArgumentException e) {
                    // This cell cannot run (a descriptor limit, say): say why, go on with the rest.
                    progress.clear();
                    log.println(s.name() + " c=" + c + ": not measured: " + e.getMessage());
                    notMeasured++;
                    progress.skip(1);
                    continue;
                } finally {
                    if (counter != null) counter.close();
                }
                cells.add(new Cell(s.name(), pass, c, r, calls));
                progress.finished(s.name(), c, r);
            }
        }
    }

    /**
     * A full GC in a Java server (jcmd PID GC.run), so that its resident memory holds live data
     * rather than garbage not yet collected; G1 also gives back heap it no longer needs.
     */
    private void fullGc(long pid) {
        Path jcmd = Path.of(Tools.java()).resolveSibling("jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            Thread.sleep(500);
        } catch (IOException e) {
            log.println("jcmd " + pid + " GC.run failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int maxConnections() {
        return plan.connections().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private void skip(String server, String why) {
        if (skipped.putIfAbsent(server, why) == null) {
            progress.clear();
            log.println("skipped " + server + ": " + why);
        }
    }
}
