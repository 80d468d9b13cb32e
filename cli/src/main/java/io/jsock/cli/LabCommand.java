package io.jsock.cli;

import io.jsock.lab.text.TextTable;

import io.jsock.lab.Experiment;
import io.jsock.lab.Lab;
import io.jsock.lab.Outcome;
import io.jsock.lab.Report;
import io.jsock.lab.Verdict;
import io.jsock.lab.draw.Figure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Ansi.Style;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jsock lab}: the text's claims (UNP chapter 4), each run on this kernel, with the evidence and
 * a verdict. Exit 0 when every claim run holds or differs for an explained reason; 1 when something
 * unexpected happened.
 */
@Command(name = "lab",
        description = {
            "The claims of UNP chapter 4, run on this kernel: each claim, the evidence and a verdict.",
            "Evidence: errnos, addresses, queue lengths, packet counters. Verdict: holds, differs (with the reason), "
                    + "skipped (with the reason) or UNEXPECTED. Without a name, all run and a summary table follows.",
            "Exit status: 0 when nothing unexpected happened, 1 otherwise. JSOCK_LAB_TRACE=1 prints the stack trace "
                    + "of an experiment that ended in an exception.",
        },
        mixinStandardHelpOptions = true)
public final class LabCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "EXPERIMENT", arity = "0..*", completionCandidates = ExperimentNames.class,
            description = "${COMPLETION-CANDIDATES} (default: all)")
    List<String> names = new ArrayList<>();

    /** The experiments' names for the help, from {@link Lab#all()}. */
    static final class ExperimentNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Lab.all().stream().map(Experiment::name).iterator();
        }
    }

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    @Option(names = "--list", description = "List the experiments and their claims; run nothing.")
    boolean list;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write one self-contained HTML page (inline SVG: ladders of the captured segments, the "
                    + "listen queues) with each claim, its figures, the evidence and the verdict; open it in a browser.")
    Path report;

    @Override
    public Integer call() {
        List<Experiment> chosen = new ArrayList<>();
        for (String n : names) chosen.add(Lab.named(n));
        if (chosen.isEmpty()) chosen = Lab.all();
        PrintWriter out = spec.commandLine().getOut();
        if (list && json) {
            List<Map<String, Object>> all = new ArrayList<>();
            for (Experiment e : chosen) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", e.name());
                m.put("section", e.section());
                m.put("claim", e.claim());
                all.add(m);
            }
            out.println(Json.of(Map.of("experiments", all)));
            out.flush();
            return 0;
        }
        if (list) {
            TextTable t = new TextTable("Experiment", "§", "Claim");
            for (Experiment e : chosen) t.row(e.name(), e.section(), e.claim());
            out.print(t.render(""));
            out.flush();
            return 0;
        }
        Colour c = json ? Colour.NONE : new Colour(spec.commandLine().getColorScheme().ansi());
        List<Outcome> outcomes = new ArrayList<>();
        for (Experiment e : chosen) {
            Outcome o = Lab.run(e);
            outcomes.add(o);
            if (!json) {
                out.print(text(o, c));
                out.flush();
            }
        }
        boolean ok = outcomes.stream().allMatch(o -> o.verdict().isExplained());
        if (report != null) writeReport(outcomes);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", ok);
            m.put("experiments", outcomes.stream().map(LabCommand::json).toList());
            out.println(Json.of(m));
        } else if (chosen.size() > 1) {
            out.print(summary(outcomes, c));
        }
        out.flush();
        return ok ? 0 : Errors.FAILED;
    }

    private void writeReport(List<Outcome> outcomes) {
        try {
            Files.writeString(report, Report.html(outcomes));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("write " + report + ": " + e.getMessage(), e)); // one line, exit 1
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("jsock: report written to " + report + " (open it in a browser: file://" + report.toAbsolutePath() + ")");
        err.flush();
    }

    static String text(Outcome o, Colour c) {
        Experiment e = o.experiment();
        StringBuilder s = new StringBuilder();
        s.append(c.bold(e.name())).append("  (UNP ").append(e.section()).append(")\n");
        s.append("  claim    ").append(e.claim()).append('\n');
        boolean first = true;
        for (String line : o.evidence()) {
            s.append(first ? "  saw      " : "           ").append(line).append('\n');
            first = false;
        }
        for (Figure fig : o.figures()) {
            for (String line : fig.text().split("\n")) s.append("           ").append(line).append('\n');
        }
        for (String d : o.differences()) s.append("  differs  ").append(d).append('\n');
        for (String u : o.unexpected()) s.append("  ").append(c.red("UNEXPECTED")).append(' ').append(u).append('\n');
        s.append("  verdict  ").append(c.verdict(o.verdict(), verdictText(o))).append("\n\n");
        return s.toString();
    }

    private static String verdictText(Outcome o) {
        return switch (o.verdict()) {
            case HOLDS -> "holds on this kernel";
            case DIFFERS -> "differs here, explained above (" + o.differences().size() + ")";
            case SKIPPED -> "skipped: " + o.skipReason();
            case UNEXPECTED -> "UNEXPECTED (" + o.unexpected().size() + ")";
        };
    }

    static String summary(List<Outcome> outcomes, Colour c) {
        TextTable t = new TextTable("Experiment", "§", "Verdict", "Time>");
        for (Outcome o : outcomes) {
            t.row(o.experiment().name(), o.experiment().section(), c.verdict(o.verdict(), o.verdict().word()),
                    String.format("%.1f s", o.millis() / 1000.0));
        }
        return t.render("");
    }

    static Map<String, Object> json(Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.experiment().name());
        m.put("section", o.experiment().section());
        m.put("claim", o.experiment().claim());
        m.put("verdict", o.verdict().word());
        m.put("evidence", o.evidence());
        m.put("facts", o.facts());
        m.put("differences", o.differences());
        m.put("unexpected", o.unexpected());
        m.put("figures", o.figures().stream().map(Figure::text).toList());
        if (o.skipReason() != null) m.put("skipped", o.skipReason());
        m.put("millis", o.millis());
        return m;
    }

    /**
     * Colour in the text output: picocli's ANSI styles, on when the command line's {@link Ansi} is
     * (by default AUTO: standard output is a terminal and NO_COLOR is not set).
     */
    record Colour(Ansi ansi) {
        static final Colour NONE = new Colour(Ansi.OFF);

        String bold(String s) {
            return style(s, Style.bold);
        }

        String red(String s) {
            return style(s, Style.fg_red);
        }

        String verdict(Verdict v, String s) {
            return switch (v) {
                case HOLDS -> style(s, Style.fg_green);
                case DIFFERS -> style(s, Style.fg_yellow);
                case SKIPPED -> style(s, Style.fg_cyan);
                case UNEXPECTED -> style(s, Style.fg_red, Style.bold);
            };
        }

        /** Styles applied to {@code s} as it is (no picocli markup: a skip reason is free text). */
        private String style(String s, Style... styles) {
            return ansi.enabled() ? Style.on(styles) + s + Style.off(styles) + Style.reset.on() : s;
        }
    }
}
