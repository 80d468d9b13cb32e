package io.jsock.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The results of a side-by-side run: medians over passes, ratios against the C reference measured
 * in the same run, as a table on standard output and as CSV (every cell) and JSON (every cell and
 * the medians).
 */
final class Report {
    /**
     * The medians of one server at one connection count. {@code parentCpuMicrosPerOp} and
     * {@code childrenCpuMicrosPerOp}: the server CPU's split between the server process itself and
     * its children (the medians of each part, so they need not add up to the median total exactly).
     */
    record Summary(String server, int connections, int passes, double rate, double cpuMicrosPerOp,
                   double p50, double p90, double p99, double p999, long errors, double fdsPerConnection,
                   double parentCpuMicrosPerOp, double childrenCpuMicrosPerOp) {}

    private final SideBySide.Plan plan;
    private final List<SideBySide.Cell> cells;
    private final Map<String, String> skipped;
    final List<Summary> summaries = new ArrayList<>();

    Report(SideBySide.Plan plan, List<SideBySide.Cell> cells, Map<String, String> skipped) {
        this.plan = plan;
        this.cells = cells;
        this.skipped = skipped;
        for (ServerSpec s : plan.servers()) {
            for (int c : plan.connections()) {
                List<LoadResult> rs = cells.stream().filter(x -> x.server().equals(s.name()) && x.connections() == c)
                        .map(SideBySide.Cell::result).toList();
                if (rs.isEmpty()) continue;
                summaries.add(new Summary(s.name(), c, rs.size(), median(rs, LoadResult::rate),
                        median(rs, LoadResult::cpuMicrosPerOp), median(rs, r -> r.latencyMicros(50)),
                        median(rs, r -> r.latencyMicros(90)), median(rs, r -> r.latencyMicros(99)),
                        median(rs, r -> r.latencyMicros(99.9)), rs.stream().mapToLong(LoadResult::errors).sum(),
                        median(rs, LoadResult::fdsPerConnection), median(rs, LoadResult::parentCpuMicrosPerOp),
                        median(rs, LoadResult::childrenCpuMicrosPerOp)));
            }
        }
    }

    static double median(List<LoadResult> rs, ToDoubleFunction<LoadResult> f) {
        double[] v = rs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    Summary find(String server, int connections) {
        for (Summary s : summaries) if (s.server().equals(server) && s.connections() == connections) return s;
        return null;
    }

    List<String> servers() {
        List<String> out = new ArrayList<>();
        for (ServerSpec s : plan.servers()) if (summaries.stream().anyMatch(x -> x.server().equals(s.name()))) out.add(s.name());
        return out;
    }

    /** The tables: the main figure with its ratio to C, server CPU per op with its ratio, latency percentiles. */
    void print(PrintStream out) {
        Mode m = plan.mode();
        if (m == Mode.IDLE) {
            out.printf(Locale.ROOT, "%nidle: connections opened one by one, one %d B echo on each, then held; the server's "
                    + "resident memory and descriptors (whole process tree) compared with before; %d pass%s, medians%n",
                    plan.size(), plan.passes(), plan.passes() == 1 ? "" : "es");
        } else {
            out.printf(Locale.ROOT, "%n%s, %d B messages, %s measured after %s warm-up, %d pass%s, generator threads <= %d; medians over passes%n",
                    m.label(), plan.size(), text(plan.duration()), text(plan.warmup()), plan.passes(), plan.passes() == 1 ? "" : "es", plan.threads());
        }
        String ref = ServerSpec.C;
        if (m == Mode.IDLE) {
            table(out, "resident memory per connection, bytes (x C)", Summary::rate, ref);
            table(out, "descriptors per connection in the server's process tree", Summary::fdsPerConnection, null);
        } else {
            table(out, m.unit + " (x C)", Summary::rate, ref);
            table(out, "server CPU, us per " + (m == Mode.BULK ? "MB" : m == Mode.CRR ? "connection" : "echo") + " (x C)",
                    Summary::cpuMicrosPerOp, ref);
            if (m == Mode.CRR) {
                table(out, "of which the server process itself / its children, us per connection",
                        s -> split(s.parentCpuMicrosPerOp(), s.childrenCpuMicrosPerOp()));
            }
            if (m != Mode.BULK) {
                table(out, "latency p50 / p99 / p99.9, us", null, null);
            }
        }
        long errors = summaries.stream().mapToLong(Summary::errors).sum();
        if (errors > 0) {
            out.println("errors:");
            for (Summary s : summaries) if (s.errors() > 0) out.printf(Locale.ROOT, "  %s c=%d: %d (%s)%n", s.server(), s.connections(), s.errors(), firstError(s));
        }
        for (Map.Entry<String, String> e : skipped.entrySet()) out.println("skipped " + e.getKey() + ": " + e.getValue());
        Goals.print(out, this, m);
    }

    private String firstError(Summary s) {
        return cells.stream().filter(c -> c.server().equals(s.server()) && c.connections() == s.connections()
                && c.result().firstError() != null).map(c -> c.result().firstError()).findFirst().orElse("?");
    }

    private void table(PrintStream out, String title, ToDoubleFunction<Summary> f, String ref) {
        table(out, title, s -> {
            if (f == null) return number(s.p50()) + " / " + number(s.p99()) + " / " + number(s.p999());
            double v = f.applyAsDouble(s);
            Summary r = ref == null ? null : find(ref, s.connections());
            double base = r == null ? Double.NaN : f.applyAsDouble(r);
            return number(v) + (Double.isNaN(base) || base == 0 || Double.isNaN(v) ? "" : String.format(Locale.ROOT, " (%.2fx)", v / base));
        });
    }

    /** A table of a cell per server (rows) and connection count (columns); "-" where nothing was measured. */
    private void table(PrintStream out, String title, Function<Summary, String> cell) {
        out.println();
        out.println(title);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-14s", "server"));
        for (int c : plan.connections()) head.append(String.format(Locale.ROOT, " %22s", "c=" + c));
        out.println(head);
        for (String server : servers()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-14s", server));
            for (int c : plan.connections()) {
                Summary s = find(server, c);
                row.append(String.format(Locale.ROOT, " %22s", s == null ? "-" : cell.apply(s)));
            }
            out.println(row);
        }
    }

    /** The server CPU's split as a cell: {@code parent / children}, e.g. {@code 71 / 880}. */
    static String split(double parent, double children) {
        return number(parent) + " / " + number(children);
    }

    /** A number with about three significant digits, without exponent. */
    static String number(double v) {
        if (Double.isNaN(v)) return "n/a";
        double a = Math.abs(v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String text(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** Every cell, one row each. */
    void writeCsv(Path file) throws IOException {
        StringBuilder b = new StringBuilder("server,mode,connections,size,pass,ops,bytes,seconds,rate,unit,"
                + "server_cpu_us_per_op,generator_cpu_us_per_op,p50_us,p90_us,p99_us,p999_us,errors,rss_per_conn,fds_per_conn,"
                + "server_parent_cpu_us_per_op,server_children_cpu_us_per_op\n");
        for (SideBySide.Cell c : cells) {
            LoadResult r = c.result();
            b.append(String.join(",", c.server(), plan.mode().label(), Integer.toString(c.connections()),
                    Integer.toString(plan.size()), Integer.toString(c.pass()), Long.toString(r.ops()), Long.toString(r.bytes()),
                    fmt(r.seconds()), fmt(r.rate()), plan.mode().unit, fmt(r.cpuMicrosPerOp()), fmt(r.clientCpuMicrosPerOp()), fmt(r.latencyMicros(50)),
                    fmt(r.latencyMicros(90)), fmt(r.latencyMicros(99)), fmt(r.latencyMicros(99.9)), Long.toString(r.errors()),
                    fmt(r.rssPerConnection()), fmt(r.fdsPerConnection()), fmt(r.parentCpuMicrosPerOp()),
                    fmt(r.childrenCpuMicrosPerOp()))).append('\n');
        }
        Files.writeString(file, b);
    }

    /** The plan, every cell, the medians with their ratios to C, and what was skipped. */
    void writeJson(Path file, String command) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", command);
        doc.put("mode", plan.mode().label());
        doc.put("unit", plan.mode().unit);
        doc.put("size", plan.size());
        doc.put("duration_s", plan.duration().toMillis() / 1e3);
        doc.put("warmup_s", plan.warmup().toMillis() / 1e3);
        doc.put("passes", plan.passes());
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        List<Map<String, Object>> summary = new ArrayList<>();
        for (Summary s : summaries) {
            Summary r = find(ServerSpec.C, s.connections());
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("server", s.server());
            o.put("connections", s.connections());
            o.put("passes", s.passes());
            o.put("rate", decimal(s.rate()));
            o.put("rate_vs_c", decimal(r == null ? Double.NaN : s.rate() / r.rate()));
            o.put("server_cpu_us_per_op", decimal(s.cpuMicrosPerOp()));
            o.put("cpu_vs_c", decimal(r == null ? Double.NaN : s.cpuMicrosPerOp() / r.cpuMicrosPerOp()));
            o.put("server_parent_cpu_us_per_op", decimal(s.parentCpuMicrosPerOp()));
            o.put("server_children_cpu_us_per_op", decimal(s.childrenCpuMicrosPerOp()));
            o.put("p50_us", decimal(s.p50()));
            o.put("p90_us", decimal(s.p90()));
            o.put("p99_us", decimal(s.p99()));
            o.put("p999_us", decimal(s.p999()));
            o.put("errors", s.errors());
            if (plan.mode() == Mode.IDLE) o.put("fds_per_conn", decimal(s.fdsPerConnection()));
            summary.add(o);
        }
        doc.put("summary", summary);
        List<Map<String, Object>> all = new ArrayList<>();
        for (SideBySide.Cell c : cells) {
            LoadResult r = c.result();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("server", c.server());
            o.put("pass", c.pass());
            o.put("connections", c.connections());
            o.put("ops", r.ops());
            o.put("bytes", r.bytes());
            o.put("seconds", decimal(r.seconds()));
            o.put("rate", decimal(r.rate()));
            o.put("server_cpu_us_per_op", decimal(r.cpuMicrosPerOp()));
            o.put("server_parent_cpu_us_per_op", decimal(r.parentCpuMicrosPerOp()));
            o.put("server_children_cpu_us_per_op", decimal(r.childrenCpuMicrosPerOp()));
            o.put("generator_cpu_us_per_op", decimal(r.clientCpuMicrosPerOp()));
            o.put("p50_us", decimal(r.latencyMicros(50)));
            o.put("p99_us", decimal(r.latencyMicros(99)));
            o.put("errors", r.errors());
            if (r.firstError() != null) o.put("first_error", r.firstError());
            all.add(o);
        }
        doc.put("cells", all);
        doc.put("skipped", new LinkedHashMap<>(skipped));
        Files.writeString(file, JSON_WRITER.asString(doc) + "\n");
    }

    /** jackson-jr, indented; numbers as {@link #decimal} gives them, in plain notation; null values kept. */
    private static final JSON JSON_WRITER = JSON.builder(JsonFactory.builder()
                    .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build())
            .build().with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES);

    /** A measurement for JSON: four decimals at most, no trailing zeros; null when there is none (NaN). */
    static BigDecimal decimal(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return null;
        return BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** A measurement for CSV: as {@link #decimal}, empty when there is none. */
    private static String fmt(double d) {
        BigDecimal b = decimal(d);
        return b == null ? "" : b.toPlainString();
    }
}
