package io.jsock.lab;

import java.util.List;
import java.util.Map;

/**
 * One experiment's result: its verdict, the evidence, the facts for machines, the explained
 * differences and the unexpected things, and how long it took.
 */
public record Outcome(Experiment experiment, Verdict verdict, List<String> evidence, Map<String, Object> facts,
        List<String> differences, List<String> unexpected, String skipReason, long millis) {

    static Outcome of(Experiment e, Findings f, long millis) {
        return new Outcome(e, f.verdict(), f.evidence(), f.facts(), f.differences(), f.unexpectedThings(),
                f.skipReason(), millis);
    }
}
