package io.jsock.lab.draw;

/** A drawing an experiment made of what it saw: a ladder of segments, or the queues of a listener. */
public sealed interface Figure permits Ladder, Queues {
    /** {@return the figure for a terminal: plain text, a few lines} */
    String text();

    /** {@return the figure as one inline {@code <svg>} element, with no external resources} */
    String svg();
}
