package io.jsock.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns an expected failure into one line on standard error and a non-zero exit: a failing system
 * call (exit 1), bad input (exit 2). Anything else is a bug and keeps its stack trace. What the user
 * typed is quoted with its unprintable characters escaped ({@link Printable}): one line stays one line.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    static final int FAILED = 1, USAGE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (t instanceof IOException) { // every jsock failure: a SyscallFailure's one line, or the JDK's own
            cl.getErr().println("jsock: " + Printable.escape(t.getMessage()));
            return FAILED;
        }
        if (t instanceof IllegalArgumentException) {
            cl.getErr().println("jsock: " + Printable.escape(t.getMessage()));
            return USAGE;
        }
        cl.getErr().println("jsock: internal error (a bug; please report it with this trace):");
        t.printStackTrace(cl.getErr());
        return 70; // EX_SOFTWARE
    }

    /**
     * A command line picocli could not parse: one line naming the problem and where the usage is, exit 2.
     * A bad value (a duration, a mode, ...) says which option and what it accepts: {@code bad --grace 'soon'; expected ...}.
     */
    static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        if (e.getCause() instanceof BadValue bad && e.getArgSpec() instanceof CommandLine.Model.OptionSpec o) {
            cl.getErr().println("jsock: " + Printable.escape("bad " + o.longestName() + " '" + e.getValue() + "'; " + bad.getMessage()));
            return USAGE;
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u && !cl.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
            cl.getErr().println("jsock: " + Printable.escape(unknownCommand(u.getUnmatched().getFirst(), cl)));
            return USAGE;
        }
        cl.getErr().println("jsock: " + Printable.escape(e.getMessage()) + " (see: " + cl.getCommandSpec().qualifiedName() + " --help)");
        return USAGE;
    }

    /**
     * {@code unknown command 'server'; did you mean 'serve'? (see: jsock --help)}: the nearest command by
     * edit distance, when one is near (at most a third of the word's letters off), else the list.
     */
    static String unknownCommand(String word, CommandLine cl) {
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (String name : cl.getSubcommands().keySet()) {
            int d = editDistance(word.toLowerCase(java.util.Locale.ROOT), name);
            if (d < best) {
                best = d;
                nearest = name;
            }
        }
        String help = " (see: " + cl.getCommandSpec().qualifiedName() + " --help)";
        if (nearest != null && best <= Math.max(1, word.length() / 3)) {
            return "unknown command '" + word + "'; did you mean '" + nearest + "'?" + help;
        }
        return "unknown command '" + word + "'; expected one of " + String.join(", ", cl.getSubcommands().keySet()) + help;
    }

    /** Levenshtein distance: insertions, deletions and substitutions, one each. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * A converter's refusal of an option's text: its message says what is accepted ({@code expected
     * ...}); {@link #badUsage} prints it after the option's name and the text.
     */
    static class BadValue extends CommandLine.TypeConversionException {
        BadValue(String expected) {
            super(expected);
        }
    }

    static int exitCode(Throwable t) {
        return t instanceof CommandLine.ParameterException ? USAGE : FAILED;
    }
}
