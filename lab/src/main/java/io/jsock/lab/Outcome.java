package io.jsock.lab;

import io.jsock.lab.draw.Figure;

import java.util.List;
import java.util.Map;

/**
 * One experiment's result: its verdict, the evidence, the facts for machines, the explained
 * differences and the unexpected things, and how long it took. The lists and the map are copies,
 * taken when the experiment ended.
 *
 * @param experiment  the experiment that ran; never null
 * @param verdict     how the claim fared; never null
 * @param evidence    what the kernel did, one line each, for people; never null
 * @param facts       the same as numbers and names, for machines ({@code jsock lab --json}); never null
 * @param differences each way the kernel differed from the text, with the reason; never null
 * @param unexpected  what neither the text nor a known difference explains; never null
 * @param skipReason  why the experiment did not run here, or {@code null} when it ran
 * @param millis      how long it took, in milliseconds
 * @param figures     the drawings of what it saw (ladders of segments, queues), in order; never null
 */
public record Outcome(Experiment experiment, Verdict verdict, List<String> evidence, Map<String, Object> facts,
        List<String> differences, List<String> unexpected, String skipReason, long millis, List<Figure> figures) {

    /**
     * An outcome without figures.
     *
     * @param experiment  the experiment that ran; never null
     * @param verdict     how the claim fared; never null
     * @param evidence    what the kernel did; never null
     * @param facts       the same for machines; never null
     * @param differences the explained differences; never null
     * @param unexpected  what nothing explains; never null
     * @param skipReason  why it did not run, or {@code null}
     * @param millis      how long it took, in milliseconds
     */
    public Outcome(Experiment experiment, Verdict verdict, List<String> evidence, Map<String, Object> facts,
            List<String> differences, List<String> unexpected, String skipReason, long millis) {
        this(experiment, verdict, evidence, facts, differences, unexpected, skipReason, millis, List.of());
    }

    static Outcome of(Experiment e, Findings f, long millis) {
        return new Outcome(e, f.verdict(), f.evidence(), f.facts(), f.differences(), f.unexpectedThings(),
                f.skipReason(), millis, f.figures());
    }
}
