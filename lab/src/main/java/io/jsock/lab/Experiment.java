package io.jsock.lab;

/**
 * One claim of the text (UNP chapter 4), run on this kernel. {@link #run} makes what it needs,
 * watches what the kernel does, and says whether the claim holds here; it finishes within
 * {@link Lab#LIMIT} and leaves nothing behind (descriptors, processes, namespaces), also when it fails.
 */
public interface Experiment {
    /** The name on the command line, e.g. {@code listen-queues}. */
    String name();

    /** The section of the text, e.g. {@code 4.5}. */
    String section();

    /** What the text claims, in a sentence or two. */
    String claim();

    /**
     * Runs the experiment, writing what it saw into {@code f}. An exception is an unexpected
     * outcome (the runner reports it); an expected failure (an errno the claim predicts) is evidence.
     */
    void run(Findings f) throws Exception;
}
