/**
 * The lab: each claim of UNP chapter 4 as an {@link io.jsock.lab.Experiment} run on this kernel,
 * what it saw ({@link io.jsock.lab.Findings}), and its {@link io.jsock.lab.Outcome} with a
 * {@link io.jsock.lab.Verdict}. {@link io.jsock.lab.Lab} lists the experiments and runs each on a
 * thread of its own within a time limit.
 *
 * <p>A new experiment is one class implementing {@code Experiment}, registered once in
 * {@link io.jsock.lab.Lab#all()}; {@code jsock lab} and the tests read that list.
 */
package io.jsock.lab;
