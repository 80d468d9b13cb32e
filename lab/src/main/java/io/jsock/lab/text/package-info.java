/**
 * Text as the lab and the {@code jsock} command show it: aligned tables
 * ({@link io.jsock.lab.text.TextTable}) and socket addresses written as iproute2's {@code ss -n}
 * writes them ({@link io.jsock.lab.text.InetText}). Exported to the command line only.
 */
package io.jsock.lab.text;
