package io.jsock.lab;

import io.jsock.lab.draw.Figure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one experiment saw, as it runs: evidence lines for people, facts (numbers, names) for
 * {@code --json}, explained differences, and anything unexpected. The verdict follows from them:
 * anything unexpected makes it UNEXPECTED, else any difference DIFFERS, else HOLDS. Written by the
 * experiment's thread and read by the runner, also while an overrunning experiment still writes:
 * every method holds this object's lock.
 */
public final class Findings {
    private final List<String> evidence = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private final List<String> differences = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();
    private final List<Figure> figures = new ArrayList<>();
    private String skipped;

    /** Nothing seen yet: the findings of an experiment about to run. */
    public Findings() {}

    /**
     * A line of evidence: what the kernel did, with the errno, address, queue length or counter.
     *
     * @param line the line, without a line break; never null
     * @return this, for chaining
     */
    public synchronized Findings saw(String line) {
        evidence.add(line);
        return this;
    }

    /**
     * Several lines of evidence at once (e.g. a rendered table); blank lines are dropped.
     *
     * @param text the lines, separated by {@code \n}; never null
     * @return this, for chaining
     */
    public synchronized Findings sawLines(String text) {
        for (String l : text.split("\n")) if (!l.isBlank()) evidence.add(l);
        return this;
    }

    /**
     * A fact for machines ({@code --json}): a number, a name, a list. A second fact under the same
     * key replaces the first.
     *
     * @param key   the fact's name; never null
     * @param value a number, a string, a boolean, or a list or map of those; may be null
     * @return this, for chaining
     */
    public synchronized Findings fact(String key, Object value) {
        facts.put(key, value);
        return this;
    }

    /**
     * A drawing of what was seen: a ladder of the segments captured, the queues of a listener.
     *
     * @param figure the figure; never null
     * @return this, for chaining
     */
    public synchronized Findings figure(Figure figure) {
        figures.add(figure);
        return this;
    }

    /**
     * The figures so far.
     *
     * @return a copy, in the order they were drawn; never null
     */
    public synchronized List<Figure> figures() {
        return List.copyOf(figures);
    }

    /**
     * The kernel differs from the text here, for the reason given: the verdict becomes at least DIFFERS.
     *
     * @param why what differs and why, in a sentence; never null
     * @return this, for chaining
     */
    public synchronized Findings differs(String why) {
        differences.add(why);
        return this;
    }

    /**
     * Something neither the text nor a known difference explains: the verdict becomes UNEXPECTED.
     *
     * @param what what happened; never null
     * @return this, for chaining
     */
    public synchronized Findings unexpected(String what) {
        unexpected.add(what);
        return this;
    }

    /**
     * Checks an expectation: nothing when it holds, {@link #unexpected} with {@code what} when not.
     *
     * @param holds whether the expectation holds
     * @param what  what was expected, recorded as unexpected when it does not hold; never null
     * @return {@code holds}
     */
    public synchronized boolean expect(boolean holds, String what) {
        if (!holds) unexpected(what);
        return holds;
    }

    /**
     * The experiment cannot run here: the verdict becomes SKIPPED (unless something unexpected happened).
     *
     * @param why the reason, saying what it would need (e.g. root); never null
     * @return this, for chaining
     */
    public synchronized Findings skip(String why) {
        skipped = why;
        return this;
    }

    /**
     * The verdict so far: UNEXPECTED if anything unexpected was recorded, else SKIPPED if skipped,
     * else DIFFERS if any difference was recorded, else HOLDS.
     *
     * @return the verdict; never null
     */
    public synchronized Verdict verdict() {
        if (!unexpected.isEmpty()) return Verdict.UNEXPECTED;
        if (skipped != null) return Verdict.SKIPPED;
        return differences.isEmpty() ? Verdict.HOLDS : Verdict.DIFFERS;
    }

    /**
     * The evidence so far.
     *
     * @return a copy of the lines, in the order they were seen; never null
     */
    public synchronized List<String> evidence() {
        return List.copyOf(evidence);
    }

    /**
     * The facts so far.
     *
     * @return a copy, in the order the keys were first recorded; never null
     */
    public synchronized Map<String, Object> facts() {
        return new LinkedHashMap<>(facts);
    }

    /**
     * The differences so far.
     *
     * @return a copy, in the order they were recorded; never null
     */
    public synchronized List<String> differences() {
        return List.copyOf(differences);
    }

    /**
     * The unexpected things so far.
     *
     * @return a copy, in the order they were recorded; never null
     */
    public synchronized List<String> unexpectedThings() {
        return List.copyOf(unexpected);
    }

    /**
     * Why the experiment was skipped.
     *
     * @return the reason given to {@link #skip}, or {@code null} when it was not skipped
     */
    public synchronized String skipReason() {
        return skipped;
    }
}
