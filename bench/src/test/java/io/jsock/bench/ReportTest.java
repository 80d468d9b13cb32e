package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a side-by-side run: medians over passes, ratios to C, and CSV, JSON and SVG that readers can open. */
class ReportTest {
    @TempDir
    Path dir;

    private static LoadResult rr(long ops, long cpuNanos) {
        Histogram h = LoadResult.latencyHistogram();
        for (int i = 0; i < ops; i++) h.recordValue(10_000 + i);
        return new LoadResult(Mode.RR, 10, ops, ops * 64, 1.0, h, 0, null, cpuNanos, -1, -1, Double.NaN, Double.NaN);
    }

    private final SideBySide.Plan plan = new SideBySide.Plan(
            List.of(ServerSpec.of(ServerSpec.C), ServerSpec.of("netty-epoll")), List.of(10), Mode.RR, 64,
            Duration.ofSeconds(1), Duration.ofSeconds(1), 3, 2, null, false, null, false, 0);

    private final List<SideBySide.Cell> cells = List.of(
            new SideBySide.Cell(ServerSpec.C, 1, 10, rr(1000, 6_000_000)),
            new SideBySide.Cell(ServerSpec.C, 2, 10, rr(3000, 18_000_000)),
            new SideBySide.Cell(ServerSpec.C, 3, 10, rr(2000, 12_000_000)),
            new SideBySide.Cell("netty-epoll", 1, 10, rr(1000, 7_000_000)),
            new SideBySide.Cell("netty-epoll", 2, 10, rr(1200, 8_400_000)),
            new SideBySide.Cell("netty-epoll", 3, 10, rr(1100, 7_700_000)));

    @Test
    void summariesAreMediansOverPassesAndRatiosAreAgainstC() {
        Report r = new Report(plan, cells, Map.of("tcpserver", "needs ucspi-tcp"));
        assertThat(r.find(ServerSpec.C, 10).rate()).isEqualTo(2000);
        assertThat(r.find("netty-epoll", 10).rate()).isEqualTo(1100);
        assertThat(r.find("netty-epoll", 10).cpuMicrosPerOp()).isEqualTo(7.0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("1100 (0.55x)").contains("7.00 (1.17x)").contains("skipped tcpserver: needs ucspi-tcp");
    }

    @Test
    void crrShowsTheServerCpuSplitBetweenTheServerProcessAndItsChildren() throws Exception {
        SideBySide.Plan crr = new SideBySide.Plan(List.of(ServerSpec.of("tcpserver")), List.of(10), Mode.CRR, 64,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 2, null, false, null, false, 0);
        Histogram h = LoadResult.latencyHistogram();
        h.recordValue(100_000);
        LoadResult r = new LoadResult(Mode.CRR, 10, 1000, 64_000, 1.0, h, 0, null, 950_000_000, 70_000_000, -1, Double.NaN, Double.NaN);
        assertThat(r.parentCpuMicrosPerOp()).isEqualTo(70.0);
        assertThat(r.childrenCpuMicrosPerOp()).isEqualTo(880.0);
        Report report = new Report(crr, List.of(new SideBySide.Cell("tcpserver", 1, 10, r)), Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("of which the server process itself / its children")
                .containsPattern("tcpserver +70\\.0 / 880 *\\n");
        report.writeJson(dir.resolve("crr.json"), "jsock bench --mode crr");
        Map<?, ?> summary = (Map<?, ?>) ((List<?>) JSON.std.mapFrom(Files.readString(dir.resolve("crr.json"))).get("summary")).get(0);
        assertThat(summary.get("server_parent_cpu_us_per_op").toString()).isEqualTo("70");
        assertThat(summary.get("server_children_cpu_us_per_op").toString()).isEqualTo("880");
    }

    @Test
    void writesACsvRowPerCellAJsonDocumentAndAWellFormedSvg() throws Exception {
        Report r = new Report(plan, cells, Map.of());
        r.writeCsv(dir.resolve("results.csv"));
        r.writeJson(dir.resolve("results.json"), "jsock bench --passes 3 \"quoted\"");
        SvgChart.write(dir.resolve("chart.svg"), r, plan, "jsock bench <&>");
        assertThat(Files.readAllLines(dir.resolve("results.csv"))).hasSize(1 + cells.size());
        Map<String, Object> json = JSON.std.mapFrom(Files.readString(dir.resolve("results.json")));
        assertThat(json).containsEntry("command", "jsock bench --passes 3 \"quoted\"").containsEntry("mode", "rr");
        assertThat((List<?>) json.get("cells")).hasSize(cells.size());
        Map<?, ?> netty = (Map<?, ?>) ((List<?>) json.get("summary")).get(1);
        assertThat(netty.get("server")).isEqualTo("netty-epoll");
        assertThat(netty.get("rate_vs_c").toString()).isEqualTo("0.55");     // four decimals at most, no trailing zeros
        assertThat(netty.get("cpu_vs_c").toString()).isEqualTo("1.1667");
        assertThat(Files.readString(dir.resolve("results.csv"))).contains(",1100,req/s,");
        var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("chart.svg").toFile());
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagName("rect").getLength()).isGreaterThanOrEqualTo(1 + 2 * 2);
    }

    @Test
    void theScaleChartDrawsALinePerServerAcrossTheConnectionCounts() throws Exception {
        SideBySide.Plan scale = new SideBySide.Plan(plan.servers(), List.of(1, 10, 100), Mode.RR, 64, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, 2, null, false, null, false, 0);
        List<SideBySide.Cell> grid = new java.util.ArrayList<>();
        for (int c : List.of(1, 10, 100)) {
            grid.add(new SideBySide.Cell(ServerSpec.C, 1, c, rr(1000L * c, 6_000_000)));
            if (c != 100) grid.add(new SideBySide.Cell("netty-epoll", 1, c, rr(900L * c, 5_000_000))); // not measured at 100
        }
        Report r = new Report(scale, grid, Map.of());
        assertThat(ScaleChart.applies(scale)).isTrue();
        assertThat(ScaleChart.applies(plan)).isFalse(); // one connection count: no line to draw
        ScaleChart.write(dir.resolve("scale.svg"), r, scale, "jsock bench --connections 1,10,100");
        var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("scale.svg").toFile());
        assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(2 * 2); // two servers, two panels
        assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(2 * (3 + 2));
    }
}
