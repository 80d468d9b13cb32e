package io.jsock.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line on standard error: cells done of all, the cell running, elapsed time and an
 * estimate of what is left. On a terminal it is one line rewritten in place; elsewhere (a log, a
 * pipe) one line per finished cell.
 */
final class Progress {
    private final PrintStream err;
    private final boolean terminal;
    private final int total;
    private final long cellNanos;
    private final long startNanos = System.nanoTime();
    // Written by the run's thread and read by the ticker: guarded by `this`.
    private int done;
    private boolean lineShown;
    private String current = "";
    private boolean finished;

    Progress(PrintStream err, boolean terminal, int total, long cellNanos) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
        this.cellNanos = cellNanos;
        if (terminal) {
            // Redraws the line every second, so the clocks move during a cell; ends with done().
            Thread.ofPlatform().name("jsock-bench-progress").daemon().start(this::tick);
        }
    }

    private void tick() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (finished) return;
                if (lineShown) show(current);
            }
        }
    }

    static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    synchronized void status(String what) {
        show(what);
    }

    synchronized void cell(int pass, int passes, String server, String mode, int connections) {
        show(String.format(Locale.ROOT, "pass %d/%d  %-12s %s c=%d", pass, passes, server, mode, connections));
    }

    synchronized void finished(String server, int connections, LoadResult r) {
        done++;
        if (!terminal) {
            err.printf(Locale.ROOT, "[%d/%d] %s c=%d: %s %s, server CPU %s us/op, errors %d%n", done, total, server,
                    connections, Report.number(r.rate()), r.mode().unit, Report.number(r.cpuMicrosPerOp()), r.errors());
        }
    }

    synchronized void skip(int cells) {
        done += cells;
    }

    /** Erases the progress line so that a message can be printed. */
    synchronized void clear() {
        if (terminal && lineShown) {
            err.print("\r\033[K");
            err.flush();
            lineShown = false;
        }
    }

    synchronized void done() {
        finished = true;
        clear();
        err.printf(Locale.ROOT, "%d cells in %s%n", total, clock(System.nanoTime() - startNanos));
    }

    private void show(String what) {
        if (!terminal) return;
        current = what;
        long elapsed = System.nanoTime() - startNanos;
        // Until a cell is done, the planned cell time; then the pace so far (server starts included).
        long perCell = done == 0 ? cellNanos : elapsed / done;
        long left = (long) (total - done) * perCell;
        int width = 20;
        int filled = total == 0 ? width : done * width / total;
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        err.printf(Locale.ROOT, "\r\033[K[%s] %d/%d  %s  elapsed %s, about %s left", bar, done, total, what,
                clock(elapsed), clock(left));
        err.flush();
        lineShown = true;
    }

    private static String clock(long nanos) {
        long s = nanos / 1_000_000_000L;
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
