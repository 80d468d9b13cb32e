package io.jsock.server.process;

import io.jsock.server.LogEvent;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A prefork worker's log events, carried to the parent over a Unix stream socket at the worker's
 * standard output, one line per event: the parent gives them to the server's log as its own, so
 * they take whatever form the front end writes (time stamps, JSON) and say which worker served.
 * The line is the event's fields separated by tabs, with tab, line feed and backslash escaped and
 * {@code \N} for a missing value.
 */
final class WorkerLog {
    private WorkerLog() {}

    private static final String NULL = "\\N";

    static String encode(LogEvent e) {
        return String.join("\t", Long.toString(e.time().getEpochSecond()), Integer.toString(e.time().getNano()),
                e.event().name(), Long.toString(e.conn()), text(e.peer()), text(e.local()), Long.toString(e.bytesIn()),
                Long.toString(e.bytesOut()), e.duration() == null ? NULL : Long.toString(e.duration().toNanos()), text(e.why()));
    }

    /** The event of one line, or null for a line that is not one (not from this version of the worker). */
    static LogEvent decode(String line, long worker) {
        String[] f = line.split("\t", -1);
        if (f.length != 10) return null;
        try {
            return new LogEvent(Instant.ofEpochSecond(Long.parseLong(f[0]), Long.parseLong(f[1])), LogEvent.Event.valueOf(f[2]),
                    Long.parseLong(f[3]), address(f[4]), address(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
                    f[8].equals(NULL) ? null : Duration.ofNanos(Long.parseLong(f[8])), unescape(f[9]), worker);
        } catch (IllegalArgumentException | java.time.DateTimeException notAnEvent) {
            return null;
        }
    }

    /**
     * Reads a worker's lines until it closes its end (it exited) and gives each event to {@code log};
     * closes {@code from}.
     */
    static void forward(Socket from, long worker, Consumer<LogEvent> log) {
        try (from; BufferedReader r = new BufferedReader(new InputStreamReader(from.inputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                LogEvent e = decode(line, worker);
                if (e != null) log.accept(e);
            }
        } catch (IOException e) {
            log.accept(LogEvent.of(LogEvent.Event.WARNING, null, "worker " + worker + "'s log: " + e.getMessage()));
        }
    }

    private static String text(Object o) {
        if (o == null) return NULL;
        return o.toString().replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static SockAddr address(String f) {
        String s = unescape(f);
        if (s == null) return null;
        try {
            return SockAddr.parse(s);
        } catch (IllegalArgumentException notAnAddress) {
            return null; // e.g. an unnamed Unix peer: nothing to show
        }
    }

    private static String unescape(String f) {
        if (f.equals(NULL)) return null;
        StringBuilder b = new StringBuilder(f.length());
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '\\' || i + 1 == f.length()) {
                b.append(c);
                continue;
            }
            char n = f.charAt(++i);
            b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
        }
        return b.toString();
    }
}
