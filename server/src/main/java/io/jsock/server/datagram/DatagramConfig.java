package io.jsock.server.datagram;

import io.jsock.server.Admission;
import io.jsock.server.LogEvent;
import io.jsock.server.Service;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a datagram server was built with: the seam between {@code DatagramServer}'s builder and the
 * loops here.
 *
 * @param service                the built-in service, or null when a command is run
 * @param command                the program run inetd {@code wait} style, or null
 * @param workers                how many loops read the one socket (1: one platform thread)
 * @param grace                  how long an exchange (or the program) in flight may finish at close
 * @param events                 where -v lines go, as events, or null
 * @param replyToPrivilegedPorts whether sources on ports below 1024 are answered
 * @param ratePerSource          replies per second to one source address at most
 * @param rules                  the allow/deny rules a source must pass (only those: no connection to count), or null
 */
public record DatagramConfig(Service service, List<String> command, int workers, Duration grace,
        Consumer<LogEvent> events, boolean replyToPrivilegedPorts, int ratePerSource, Admission rules) {}
