package io.jsock.lab;

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
    private String skipped;

    /** A line of evidence: what the kernel did, with the errno, address, queue length or counter. */
    public synchronized Findings saw(String line) {
        evidence.add(line);
        return this;
    }

    /** Several lines at once (e.g. a rendered table). */
    public synchronized Findings sawLines(String text) {
        for (String l : text.split("\n")) if (!l.isBlank()) evidence.add(l);
        return this;
    }

    /** A fact for machines ({@code --json}): a number, a name, a list. */
    public synchronized Findings fact(String key, Object value) {
        facts.put(key, value);
        return this;
    }

    /** The kernel differs from the text here, for the reason given. */
    public synchronized Findings differs(String why) {
        differences.add(why);
        return this;
    }

    /** Something neither the text nor a known difference explains. */
    public synchronized Findings unexpected(String what) {
        unexpected.add(what);
        return this;
    }

    /** Checks an expectation: nothing when it holds, {@link #unexpected} with {@code what} when not. */
    public synchronized boolean expect(boolean holds, String what) {
        if (!holds) unexpected(what);
        return holds;
    }

    /** The experiment cannot run here, for this reason (it says what it would need). */
    public synchronized Findings skip(String why) {
        skipped = why;
        return this;
    }

    public synchronized Verdict verdict() {
        if (!unexpected.isEmpty()) return Verdict.UNEXPECTED;
        if (skipped != null) return Verdict.SKIPPED;
        return differences.isEmpty() ? Verdict.HOLDS : Verdict.DIFFERS;
    }

    public synchronized List<String> evidence() {
        return List.copyOf(evidence);
    }

    public synchronized Map<String, Object> facts() {
        return new LinkedHashMap<>(facts);
    }

    public synchronized List<String> differences() {
        return List.copyOf(differences);
    }

    public synchronized List<String> unexpectedThings() {
        return List.copyOf(unexpected);
    }

    /** Why it was skipped, or {@code null}. */
    public synchronized String skipReason() {
        return skipped;
    }
}
