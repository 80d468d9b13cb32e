package io.jsock.lab;

import io.jsock.lab.draw.Figure;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The lab's outcomes as one self-contained HTML page ({@code jsock lab --report FILE.html}): per
 * experiment the claim, the figures drawn from what was captured and read (inline SVG), the evidence,
 * the differences and the verdict. No scripts, no external style sheets, fonts or images.
 */
public final class Report {
    private Report() {}

    private static final String STYLE = """
            body { font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; background: #fff; }
            h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
            .claim { font-style: italic; border-left: 4px solid #88a; padding-left: 1em; }
            .verdict { font-weight: bold; padding: 0.1em 0.5em; border-radius: 0.3em; }
            .holds { background: #cfc; } .differs { background: #ffc; } .skipped { background: #cef; } .unexpected { background: #fcc; }
            pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
            svg { display: block; margin: 1em 0; background: #fcfcff; border: 1px solid #dde; }
            svg text { font-family: monospace; font-size: 12px; fill: #222; }
            svg .host { font-weight: bold; font-size: 13px; }
            svg .timeline { stroke: #444; stroke-width: 2; }
            svg .arrow line { stroke: #226; stroke-width: 1.6; }
            svg .head { fill: #226; }
            svg .mark line { stroke: #c60; stroke-dasharray: 4 3; }
            svg .mark text { fill: #c60; }
            svg .slot { fill: #fff; stroke: #446; } svg .full.incomplete { fill: #fc9; } svg .full.completed { fill: #9c9; }
            """;

    /**
     * The page.
     *
     * @param outcomes what {@link Lab#run} returned, in the order run; never null
     * @return the HTML document
     */
    public static String html(List<Outcome> outcomes) {
        StringBuilder s = new StringBuilder();
        s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jsock lab: UNP chapter 4 on this kernel</title>\n");
        s.append("<style>").append(STYLE).append("</style></head><body>\n");
        s.append("<h1>jsock lab: the claims of UNP chapter 4, run on this kernel</h1>\n");
        s.append("<p>Run ").append(escape(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)))
                .append(". Each ladder is drawn from the segments jsock's own packet socket captured (time runs down); "
                        + "dashed lines are the program's calls.</p>\n");
        s.append("<ul>");
        for (Outcome o : outcomes) {
            s.append("<li><a href=\"#").append(o.experiment().name()).append("\">").append(escape(o.experiment().name())).append("</a> ")
                    .append(verdict(o)).append("</li>");
        }
        s.append("</ul>\n");
        for (Outcome o : outcomes) {
            Experiment e = o.experiment();
            s.append("<section class=\"experiment\" id=\"").append(e.name()).append("\">\n");
            s.append("<h2>").append(escape(e.name())).append(" <small>(UNP ").append(escape(e.section())).append(")</small></h2>\n");
            s.append("<p class=\"claim\">").append(escape(e.claim())).append("</p>\n");
            for (Figure f : o.figures()) s.append(f.svg()).append('\n');
            s.append("<h3>Evidence</h3><pre>");
            for (String line : o.evidence()) s.append(escape(line)).append('\n');
            s.append("</pre>\n");
            for (String d : o.differences()) s.append("<p>differs: ").append(escape(d)).append("</p>\n");
            for (String u : o.unexpected()) s.append("<p class=\"unexpected\">UNEXPECTED: ").append(escape(u)).append("</p>\n");
            s.append("<p>verdict: ").append(verdict(o));
            if (o.skipReason() != null) s.append(" ").append(escape(o.skipReason()));
            s.append("</p>\n</section>\n");
        }
        s.append("</body></html>\n");
        return s.toString();
    }

    private static String verdict(Outcome o) {
        return "<span class=\"verdict " + o.verdict().name().toLowerCase(java.util.Locale.ROOT) + "\">" + o.verdict().word() + "</span>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
