package io.jsock.lab;

/**
 * One claim of the text (UNP chapter 4), run on this kernel. {@link #run} makes what it needs,
 * watches what the kernel does, and says whether the claim holds here; it finishes within
 * {@link Lab#LIMIT} and leaves nothing behind (descriptors, processes, namespaces), also when it fails.
 */
public interface Experiment {
    /**
     * The name on the command line.
     *
     * @return the name, e.g. {@code listen-queues}; never null
     */
    String name();

    /**
     * The section of the text the claim comes from.
     *
     * @return the section number, e.g. {@code 4.5}; never null
     */
    String section();

    /**
     * What the text claims.
     *
     * @return the claim, in a sentence or two; never null
     */
    String claim();

    /**
     * Runs the experiment, writing what it saw into {@code f}. An exception is an unexpected
     * outcome (the runner reports it); an expected failure (an errno the claim predicts) is evidence.
     *
     * @param f where the evidence, facts, differences and unexpected things go; never null
     * @throws Exception when the experiment could not finish: {@link Lab#run} reports it as unexpected
     */
    void run(Findings f) throws Exception;
}
