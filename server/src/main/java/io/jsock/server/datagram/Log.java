package io.jsock.server.datagram;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Where a datagram server's lines go: the -v consumer when there is one, else {@link System.Logger} {@code io.jsock.server}. */
final class Log {
    private Log() {}

    private static final Logger LOG = System.getLogger("io.jsock.server");

    static void line(DatagramConfig config, Level level, String line) {
        if (config.log() != null) config.log().accept(line);
        else if (LOG.isLoggable(level)) LOG.log(level, line);
    }
}
