package io.jsock.cli.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one experiment saw, as it runs: evidence lines for people, facts (numbers, names) for
 * {@code --json}, explained differences, and anything unexpected. The verdict follows from them:
 * anything unexpected makes it UNEXPECTED, else any difference DIFFERS, else HOLDS. Used by the
 * experiment's own thread only, then read once it has ended.
 */
public final class Findings {
    private final List<String> evidence = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private final List<String> differences = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();
    private String skipped;

    /** A line of evidence: what the kernel did, with the errno, address, queue length or counter. */
    public Findings saw(String line) {
        evidence.add(line);
        return this;
    }

    /** Several lines at once (e.g. a rendered table). */
    public Findings sawLines(String text) {
        for (String l : text.split("\n")) if (!l.isBlank()) evidence.add(l);
        return this;
    }

    /** A fact for machines ({@code --json}): a number, a name, a list. */
    public Findings fact(String key, Object value) {
        facts.put(key, value);
        return this;
    }

    /** The kernel differs from the text here, for the reason given. */
    public Findings differs(String why) {
        differences.add(why);
        return this;
    }

    /** Something neither the text nor a known difference explains. */
    public Findings unexpected(String what) {
        unexpected.add(what);
        return this;
    }

    /** Checks an expectation: nothing when it holds, {@link #unexpected} with {@code what} when not. */
    public boolean expect(boolean holds, String what) {
        if (!holds) unexpected(what);
        return holds;
    }

    /** The experiment cannot run here, for this reason (it says what it would need). */
    public Findings skip(String why) {
        skipped = why;
        return this;
    }

    public Verdict verdict() {
        if (!unexpected.isEmpty()) return Verdict.UNEXPECTED;
        if (skipped != null) return Verdict.SKIPPED;
        return differences.isEmpty() ? Verdict.HOLDS : Verdict.DIFFERS;
    }

    public List<String> evidence() {
        return List.copyOf(evidence);
    }

    public Map<String, Object> facts() {
        return new LinkedHashMap<>(facts);
    }

    public List<String> differences() {
        return List.copyOf(differences);
    }

    public List<String> unexpectedThings() {
        return List.copyOf(unexpected);
    }

    /** Why it was skipped, or {@code null}. */
    public String skipReason() {
        return skipped;
    }
}
