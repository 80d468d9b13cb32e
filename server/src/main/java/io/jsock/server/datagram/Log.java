package io.jsock.server.datagram;

import io.jsock.server.LogEvent;
import io.jsock.server.serving.Serving;
import io.jsock.socket.SockAddr;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;

/** Where a datagram server's lines go: the events consumer when there is one, else {@link System.Logger} {@code io.jsock.server}. */
final class Log {
    private Log() {}

    private static final Logger LOG = System.getLogger("io.jsock.server");

    static void line(DatagramConfig config, Level level, String line) {
        line(config, level, null, line);
    }

    /** A line about one source ({@code peer}, null when about none). */
    static void line(DatagramConfig config, Level level, SockAddr peer, String line) {
        if (config.events() != null) {
            config.events().accept(new LogEvent(Instant.now(), Serving.event(level), 0, peer, null, -1, -1, null, line, 0));
        } else if (LOG.isLoggable(level)) {
            LOG.log(level, line);
        }
    }
}
