package io.jsock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * How cost grows with the number of connections: one line per server across the connection counts
 * (evenly spaced, so 1, 10, 100, 1000, 10000 make a logarithmic axis), throughput above and the
 * server's CPU per operation below. Written as {@code scale.svg} next to {@code chart.svg} when a
 * timed run has at least two connection counts; colours as in {@link SvgChart}.
 */
final class ScaleChart {
    private static final int WIDTH = 980, PANEL = 320, TOP = 50, LEFT = 80, LEGEND = 150;

    private ScaleChart() {}

    /** Whether a run gets this chart. */
    static boolean applies(SideBySide.Plan plan) {
        return plan.mode() != Mode.IDLE && plan.connections().size() >= 2;
    }

    static void write(Path file, Report report, SideBySide.Plan plan, String command) throws IOException {
        List<String> servers = report.servers();
        int height = TOP + 2 * (PANEL + 40) + 40;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                WIDTH, height, WIDTH, height));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        b.append(SvgChart.text(LEFT, 20, 15, "start", "jsock bench: " + plan.mode().label() + ", " + plan.size()
                + " B, against the number of connections (medians of " + plan.passes() + " pass" + (plan.passes() == 1 ? "" : "es") + ")"));
        b.append(SvgChart.text(LEFT, 36, 10, "start", command));
        String per = plan.mode() == Mode.BULK ? "MB" : plan.mode() == Mode.CRR ? "connection" : "echo";
        panel(b, report, plan, servers, TOP, plan.mode().unit + " (higher is better)", Report.Summary::rate);
        panel(b, report, plan, servers, TOP + PANEL + 40, "server CPU us per " + per + " (lower is better)", Report.Summary::cpuMicrosPerOp);
        int x = WIDTH - LEGEND + 10;
        for (int i = 0; i < servers.size(); i++) {
            int y = TOP + 20 + i * 16;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n", x, y - 9, SvgChart.color(i)));
            b.append(SvgChart.text(x + 15, y, 11, "start", servers.get(i)));
        }
        b.append("</svg>\n");
        Files.writeString(file, b);
    }

    private static void panel(StringBuilder b, Report report, SideBySide.Plan plan, List<String> servers, int top,
                              String title, ToDoubleFunction<Report.Summary> f) {
        int plotW = WIDTH - LEFT - LEGEND - 10, plotH = PANEL - 40, base = top + 20 + plotH;
        double max = 0;
        for (Report.Summary s : report.summaries) {
            double v = f.applyAsDouble(s);
            if (!Double.isNaN(v) && !Double.isInfinite(v)) max = Math.max(max, v);
        }
        double scale = SvgChart.niceCeiling(max);
        b.append(SvgChart.text(LEFT, top + 12, 12, "start", title));
        for (int t = 0; t <= 4; t++) {
            int y = base - (int) Math.round(plotH * t / 4.0);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dddddd\"/>%n", LEFT, y, LEFT + plotW, y));
            b.append(SvgChart.text(LEFT - 5, y + 4, 10, "end", t == 0 ? "0" : Report.number(scale * t / 4)));
        }
        List<Integer> counts = plan.connections();
        double step = counts.size() == 1 ? 0 : (double) (plotW - 40) / (counts.size() - 1);
        for (int g = 0; g < counts.size(); g++) {
            b.append(SvgChart.text((int) (LEFT + 20 + g * step), base + 15, 11, "middle", Integer.toString(counts.get(g))));
        }
        b.append(SvgChart.text(LEFT + plotW / 2, base + 30, 11, "middle", "connections"));
        for (int i = 0; i < servers.size(); i++) {
            StringBuilder points = new StringBuilder();
            for (int g = 0; g < counts.size(); g++) {
                Report.Summary s = report.find(servers.get(i), counts.get(g));
                double v = s == null ? Double.NaN : f.applyAsDouble(s);
                if (Double.isNaN(v) || Double.isInfinite(v) || scale == 0) continue; // not measured there: the line skips it
                double x = LEFT + 20 + g * step, y = base - plotH * v / scale;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s c=%d: %s</title></circle>%n",
                        x, y, SvgChart.color(i), servers.get(i), counts.get(g), Report.number(v)));
            }
            if (!points.isEmpty()) {
                b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
                        points.toString().strip(), SvgChart.color(i)));
            }
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, base, LEFT + plotW, base));
    }
}
