package io.jsock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A chart of a side-by-side run, written as SVG by hand: grouped bars (one group per connection
 * count, one bar per server, the C reference first) for the main figure and, below, for the
 * server's CPU per operation; each bar labelled with its ratio to C.
 */
final class SvgChart {
    private static final String[] COLORS = {
        "#444444", "#1f77b4", "#aec7e8", "#2ca02c", "#98df8a", "#17becf", "#9edae5", "#bcbd22",
        "#8c564b", "#c49c94", "#d62728", "#ff9896", "#9467bd", "#e377c2", "#7f7f7f", "#ff7f0e",
    };
    private static final int WIDTH = 980, PANEL = 300, TOP = 50, LEFT = 70, LEGEND = 150;

    private SvgChart() {}

    static void write(Path file, Report report, SideBySide.Plan plan, String command) throws IOException {
        List<String> servers = report.servers();
        boolean cpuPanel = plan.mode() != Mode.IDLE;
        int height = TOP + PANEL + (cpuPanel ? PANEL + 40 : 0) + 60;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                WIDTH, height, WIDTH, height));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        b.append(text(LEFT, 20, 15, "start", "jsock bench: " + plan.mode().label() + ", " + plan.size() + " B, medians of "
                + plan.passes() + " pass" + (plan.passes() == 1 ? "" : "es") + " (ratio to " + ServerSpec.C + " above bars)"));
        b.append(text(LEFT, 36, 10, "start", command));
        String unit = plan.mode() == Mode.IDLE ? "resident bytes per idle connection (lower is better)"
                : plan.mode().unit + " (higher is better)";
        panel(b, report, plan, servers, TOP, unit, Report.Summary::rate);
        if (cpuPanel) {
            String per = plan.mode() == Mode.BULK ? "MB" : plan.mode() == Mode.CRR ? "connection" : "echo";
            panel(b, report, plan, servers, TOP + PANEL + 40, "server CPU us per " + per + " (lower is better)",
                    Report.Summary::cpuMicrosPerOp);
        }
        int x = WIDTH - LEGEND + 10;
        for (int i = 0; i < servers.size(); i++) {
            int y = TOP + 20 + i * 16;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n", x, y - 9, color(i)));
            b.append(text(x + 15, y, 11, "start", servers.get(i)));
        }
        b.append("</svg>\n");
        Files.writeString(file, b);
    }

    private static void panel(StringBuilder b, Report report, SideBySide.Plan plan, List<String> servers, int top,
                              String title, ToDoubleFunction<Report.Summary> f) {
        int plotW = WIDTH - LEFT - LEGEND - 10;
        int plotH = PANEL - 40;
        int base = top + 20 + plotH;
        double max = 0;
        for (Report.Summary s : report.summaries) {
            double v = f.applyAsDouble(s);
            if (!Double.isNaN(v) && !Double.isInfinite(v)) max = Math.max(max, v);
        }
        double scale = niceCeiling(max);
        b.append(text(LEFT, top + 12, 12, "start", title));
        for (int t = 0; t <= 4; t++) {
            double v = scale * t / 4;
            int y = base - (int) Math.round(plotH * t / 4.0);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dddddd\"/>%n", LEFT, y, LEFT + plotW, y));
            b.append(text(LEFT - 5, y + 4, 10, "end", t == 0 ? "0" : Report.number(v)));
        }
        List<Integer> counts = plan.connections();
        double groupW = (double) plotW / counts.size();
        double barW = Math.max(2, (groupW - 20) / Math.max(1, servers.size()));
        for (int g = 0; g < counts.size(); g++) {
            int c = counts.get(g);
            double gx = LEFT + g * groupW + 10;
            Report.Summary ref = report.find(ServerSpec.C, c);
            for (int i = 0; i < servers.size(); i++) {
                Report.Summary s = report.find(servers.get(i), c);
                if (s == null) continue;
                double v = f.applyAsDouble(s);
                if (Double.isNaN(v) || scale == 0) continue;
                double h = Math.max(0.5, plotH * v / scale);
                double x = gx + i * barW;
                b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s c=%d: %s</title></rect>%n",
                        x, base - h, barW - 1, h, color(i), servers.get(i), c, Report.number(v)));
                double r = ref == null ? Double.NaN : v / f.applyAsDouble(ref);
                if (!Double.isNaN(r) && !Double.isInfinite(r) && barW >= 9) {
                    double tx = x + barW / 2, ty = base - h - 3;
                    b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"8\" transform=\"rotate(-90 %.1f %.1f)\">%.2f</text>%n",
                            tx + 3, ty, tx + 3, ty, r));
                }
            }
            b.append(text((int) (gx + groupW / 2 - 10), base + 15, 11, "middle", c + " connection" + (c == 1 ? "" : "s")));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, base, LEFT + plotW, base));
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at or above {@code v}, with headroom for the ratio labels. */
    static double niceCeiling(double v) {
        if (v <= 0) return 1;
        double target = v * 1.12;
        double p = Math.pow(10, Math.floor(Math.log10(target)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= target) return m * p;
        return 10 * p;
    }

    static String color(int i) {
        return COLORS[i % COLORS.length];
    }

    static String text(int x, int y, int size, String anchor, String s) {
        String esc = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n", x, y, size, anchor, esc);
    }
}
