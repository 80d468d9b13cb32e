/**
 * The lab's claims drawn as UNP draws them: a {@link io.jsock.lab.draw.Ladder} (time running down, one
 * column per host, one arrow per segment, from a real capture) and the two queues of a listening
 * socket ({@link io.jsock.lab.draw.Queues}, UNP figure 4.7); each as text for a terminal and as SVG for
 * the report.
 */
package io.jsock.lab.draw;
