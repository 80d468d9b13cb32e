package io.jsock.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.jsock.server.LogEvent;
import io.jsock.socket.SockAddr;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code jsock serve} writes on standard error, in the form asked for.
 *
 * <ul>
 * <li>text without {@code -v}: the {@code listening on} and {@code SIGTERM: stopping} lines as they
 *     always were, for people and for scripts that wait for the first;
 * <li>text with {@code -v}: every line starts with an RFC 3339 time stamp in UTC, to the millisecond
 *     ({@code 2026-11-30T20:45:01.123Z jsock: #1 ... open}): UTC so that the logs of several machines
 *     and containers sort and compare as they are, with no time zone to know (or to find missing);
 * <li>json: one JSON object per line, for every line, connections' only with {@code -v}: {@code time},
 *     {@code event}, and as the event has them {@code conn}, {@code peer}, {@code local},
 *     {@code bytes_in}, {@code bytes_out}, {@code duration_ms}, {@code why} (why a connection
 *     ended), {@code message}, {@code worker}.
 * </ul>
 * Lines from several threads never interleave.
 */
final class ServeLog {
    /** {@code --log-format}'s values. */
    enum Format { TEXT, JSON }

    static final DateTimeFormatter RFC3339_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    private final PrintWriter err;
    private final Format format;
    private final boolean verbose;

    ServeLog(PrintWriter err, Format format, boolean verbose) {
        this.err = err;
        this.format = format;
        this.verbose = verbose;
    }

    /** {@return where the servers' events go: this log with -v, nowhere without} */
    Consumer<LogEvent> connections() {
        return verbose ? this::write : null;
    }

    /** The {@code listening on ...} line: as it always was, unless -v or json. */
    void listening(SockAddr local, String message) {
        say(LogEvent.Event.LISTENING, local, message, message);
    }

    /** The {@code SIGTERM: stopping ...} line: {@code jsock: } and the message, unless -v or json. */
    void stopping(String message) {
        say(LogEvent.Event.STOPPING, null, message, "jsock: " + message);
    }

    /** A line about the server that is not a problem ({@code running as nobody ...}): {@code jsock: } and the message, unless -v or json. */
    void info(String message) {
        say(LogEvent.Event.INFO, null, message, "jsock: " + message);
    }

    private void say(LogEvent.Event event, SockAddr local, String message, String plain) {
        if (format == Format.TEXT && !verbose) {
            println(plain);
        } else {
            write(LogEvent.of(event, local, message));
        }
    }

    void write(LogEvent e) {
        println(format == Format.JSON ? json(e) : RFC3339_MILLIS.format(e.time()) + " jsock: " + e.text());
    }

    private void println(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    /** One event as one line of JSON; fields an event does not have are left out. */
    static String json(LogEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", RFC3339_MILLIS.format(e.time()));
        m.put("event", e.event().label());
        if (e.conn() > 0) m.put("conn", e.conn());
        if (e.peer() != null) m.put("peer", e.peer().toString());
        if (e.local() != null) m.put("local", e.local().toString());
        if (e.event() == LogEvent.Event.CLOSED) {
            if (e.bytesIn() >= 0) m.put("bytes_in", e.bytesIn());
            if (e.bytesOut() >= 0) m.put("bytes_out", e.bytesOut());
            m.put("duration_ms", e.durationMillis());
            if (e.why() != null) m.put("why", e.why());
        } else if (e.why() != null) {
            m.put(e.event() == LogEvent.Event.REFUSED ? "why" : "message", e.why());
        }
        if (e.worker() != 0) m.put("worker", e.worker());
        try {
            return JSON.std.asString(m);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // strings and numbers always have a JSON form
        }
    }
}
