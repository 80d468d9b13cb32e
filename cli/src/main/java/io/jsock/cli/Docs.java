package io.jsock.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes what {@code scripts/install.sh} installs beside the jar, from the same picocli model the
 * help is printed from, so they never disagree: a man page per command ({@code man1/jsock.1},
 * {@code man1/jsock-serve.1}, ...) and the bash completion script (picocli's {@link AutoComplete},
 * which zsh runs too, through bashcompinit).
 *
 * <p>The man pages are written as roff here rather than by picocli-codegen's ManPageGenerator: that
 * writes AsciiDoc, which needs asciidoctor (Ruby) to become a man page.
 *
 * <pre>java -cp jsock.jar io.jsock.cli.Docs DIR    # DIR/man1/*.1 and DIR/completion/jsock.bash</pre>
 */
public final class Docs {
    private Docs() {}

    /**
     * Writes the man pages and the completion script under a directory.
     *
     * @param args the output directory
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp jsock.jar io.jsock.cli.Docs DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        CommandLine root = JsockCommand.commandLine();
        Files.createDirectories(dir.resolve("man1"));
        for (CommandLine c : commands(root)) {
            String name = c.getCommandSpec().qualifiedName("-");
            Files.writeString(dir.resolve("man1").resolve(name + ".1"), manPage(c.getCommandSpec(), root), StandardCharsets.UTF_8);
        }
        Files.createDirectories(dir.resolve("completion"));
        Files.writeString(dir.resolve("completion").resolve("jsock.bash"), AutoComplete.bash("jsock", root), StandardCharsets.UTF_8);
    }

    /** The root and every subcommand but picocli's own {@code help}. */
    static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>(List.of(root));
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (!e.getKey().equals("help")) all.add(e.getValue());
        }
        return all;
    }

    /** One command's page in man(7) roff: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, then the help's footer. */
    static String manPage(CommandSpec spec, CommandLine root) {
        StringBuilder m = new StringBuilder();
        String name = spec.qualifiedName("-");
        String version = String.join(" ", root.getCommandSpec().version());
        m.append(".TH \"").append(name.toUpperCase(Locale.ROOT)).append("\" 1 \"\" \"")
                .append(roff(version.isEmpty() ? "jsock" : version.lines().findFirst().orElse("jsock"))).append("\" \"jsock manual\"\n");
        String[] description = spec.usageMessage().description();
        m.append(".SH NAME\n").append(roff(name)).append(" \\- ")
                .append(roff(description.length > 0 ? description[0] : "")).append('\n');
        m.append(".SH SYNOPSIS\n.B ").append(roff(spec.qualifiedName())).append('\n');
        StringBuilder synopsis = new StringBuilder();
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) continue;
            synopsis.append(" [").append(o.shortestName()).append(o.arity().max() > 0 ? " " + o.paramLabel() : "").append(']');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) synopsis.append(' ').append(p.paramLabel());
        if (!spec.subcommands().isEmpty()) synopsis.append(" COMMAND");
        m.append(roff(synopsis.toString().strip())).append('\n');
        m.append(".SH DESCRIPTION\n");
        for (String line : description) m.append(roff(line)).append("\n.PP\n");
        if (!spec.subcommands().isEmpty()) {
            m.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                if (e.getKey().equals("help")) continue;
                String[] d = e.getValue().getCommandSpec().usageMessage().description();
                m.append(".TP\n.B ").append(roff(e.getKey())).append('\n').append(roff(d.length > 0 ? d[0] : ""))
                        .append(" See \\fB").append(roff(e.getValue().getCommandSpec().qualifiedName("-"))).append("\\fR(1).\n");
            }
        }
        if (!spec.options().isEmpty() || !spec.positionalParameters().isEmpty()) m.append(".SH OPTIONS\n");
        for (PositionalParamSpec p : spec.positionalParameters()) {
            m.append(".TP\n.I ").append(roff(p.paramLabel())).append('\n').append(lines(p.description())).append('\n');
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) continue;
            m.append(".TP\n.B ").append(roff(String.join(", ", o.names())));
            if (o.arity().max() > 0) m.append(" \\fI").append(roff(o.paramLabel())).append("\\fR");
            m.append('\n').append(lines(o.description())).append('\n');
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            m.append(".SH NOTES\n.nf\n");
            for (String f : String.join("%n", footer).formatted().split("\\R", -1)) m.append(roff(f)).append('\n');
            m.append(".fi\n");
        }
        return m.toString();
    }

    /** Description lines, the ones indented in the help kept on lines of their own. */
    private static String lines(String[] text) {
        StringBuilder b = new StringBuilder();
        for (String line : text) {
            String expanded = line.replace("${DEFAULT-VALUE}", "the default");
            if (b.length() > 0) b.append(line.startsWith(" ") ? "\n.br\n" : "\n");
            b.append(roff(expanded.strip()));
        }
        return b.toString();
    }

    /** Text safe in roff: backslashes doubled, a leading dot or quote escaped, dashes as minus signs. */
    static String roff(String text) {
        String t = text.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) t = "\\&" + t;
        return t;
    }
}
