package io.jsock.server;

import io.jsock.socket.SockAddr;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One thing a server tells its log: a connection opened or closed, the server listening or stopping,
 * a warning. The server says what happened; the front end chooses the form ({@link #text()} is the
 * line the server has always written; {@code jsock serve --log-format json} writes the fields as JSON).
 *
 * @param time     when it happened
 * @param event    what happened
 * @param conn     the connection's number ({@link Connection#id()}), 0 when the event is not about one
 * @param peer     the client's address, or null
 * @param local    the server's address of the connection (or, for {@link Event#LISTENING}, the listener's), or null
 * @param bytesIn  for {@link Event#CLOSED}: the bytes the application received from the client; -1 when not known
 * @param bytesOut for {@link Event#CLOSED}: the bytes the application sent to the client (written, whether or not
 *                 acknowledged yet); -1 when not known
 * @param duration for {@link Event#CLOSED}: how long the connection was served, or null
 * @param why      for {@link Event#CLOSED}: why it ended when not simply by the handler returning (a reset, the
 *                 child's exit status, shutdown), else null; for other events the message, or null
 * @param worker   the pid of the worker process that served it ({@code prefork}), 0 for this process
 */
public record LogEvent(Instant time, Event event, long conn, SockAddr peer, SockAddr local, long bytesIn, long bytesOut,
        Duration duration, String why, long worker) {

    /** What happened. */
    public enum Event {
        /** A server listens (its first line). */
        LISTENING,
        /** A connection was accepted. */
        OPEN,
        /** A connection ended: its byte counts, duration and why. */
        CLOSED,
        /** A connection was turned away without being served. */
        REFUSED,
        /** The server was told to stop. */
        STOPPING,
        /** Something worth knowing that is not a problem (a prefork worker started or ended). */
        INFO,
        /** Something went wrong that the server works around (out of descriptors, a worker replaced). */
        WARNING,
        /** Something went wrong that the server could not mend. */
        ERROR;

        /** {@return the event's name in logs: {@code open}, {@code closed}, ...} */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A connection accepted.
     *
     * @param c the connection
     * @param local its local address, or null
     * @return the event, now
     */
    public static LogEvent open(Connection c, SockAddr local) {
        return open(c, local, null);
    }

    /**
     * A connection accepted, with a note on where its peer came from (a PROXY header).
     *
     * @param c the connection
     * @param local its local address, or null
     * @param note e.g. {@code PROXY v2 via 127.0.0.1:40000}, or null
     * @return the event, now
     */
    public static LogEvent open(Connection c, SockAddr local, String note) {
        return new LogEvent(Instant.now(), Event.OPEN, c.id(), c.peer(), local, -1, -1, null, note, 0);
    }

    /**
     * A connection ended.
     *
     * @param c the connection
     * @param local its local address, or null
     * @param bytesIn the bytes the application received, -1 when not known
     * @param bytesOut the bytes the application sent, -1 when not known
     * @param duration how long it was served
     * @param why why it ended, or null when the handler simply returned
     * @return the event, now
     */
    public static LogEvent closed(Connection c, SockAddr local, long bytesIn, long bytesOut, Duration duration, String why) {
        return new LogEvent(Instant.now(), Event.CLOSED, c.id(), c.peer(), local, bytesIn, bytesOut, duration, why, 0);
    }

    /**
     * A connection turned away before any byte was read (an admission rule or limit).
     *
     * @param conn  its number, from the same sequence as the served ones
     * @param peer  the client's address
     * @param local the local address, or null
     * @param why   the rule or limit: {@code deny 127.0.0.2/32}, {@code max-per-ip 2 from 127.0.0.1}
     * @return the event, now
     */
    public static LogEvent refused(long conn, SockAddr peer, SockAddr local, String why) {
        return new LogEvent(Instant.now(), Event.REFUSED, conn, peer, local, -1, -1, null, why, 0);
    }

    /**
     * An event that is not about a connection.
     *
     * @param event what happened
     * @param local the listener's address, or null
     * @param message what to say
     * @return the event, now
     */
    public static LogEvent of(Event event, SockAddr local, String message) {
        return new LogEvent(Instant.now(), event, 0, null, local, -1, -1, null, message, 0);
    }

    /**
     * The same event as told by a prefork worker.
     *
     * @param pid the worker's pid
     * @return a copy with {@link #worker} set
     */
    public LogEvent fromWorker(long pid) {
        return new LogEvent(time, event, conn, peer, local, bytesIn, bytesOut, duration, why, pid);
    }

    /**
     * The event as one line without a time stamp, as the server has always written it:
     * {@code #1 127.0.0.1:41986 > 127.0.0.1:39305 open}, {@code #1 ... closed after 33.5 ms: in 3 B, out 3 B},
     * then the reason in parentheses when there is one; other events: their message. A worker's events
     * start with {@code worker PID: }.
     *
     * @return the line, without a line break
     */
    public String text() {
        String who = worker == 0 ? "" : "worker " + worker + ": ";
        String conn = "#" + this.conn + " " + peer + " > " + local;
        return who + switch (event) {
            case OPEN -> conn + " open" + (why == null ? "" : " (" + why + ")");
            case CLOSED -> conn + " closed after " + String.format(Locale.ROOT, "%.1f ms", durationMillis())
                    + (bytesIn < 0 && bytesOut < 0 ? "" : ": in " + count(bytesIn) + ", out " + count(bytesOut))
                    + (why == null ? "" : " (" + why + ")");
            case REFUSED -> conn + " refused" + (why == null ? "" : ": " + why);
            default -> why == null ? event.label() : why;
        };
    }

    /** {@return the duration in milliseconds, to the microsecond; 0 when there is none} */
    public double durationMillis() {
        return duration == null ? 0 : duration.toNanos() / 1000 / 1000.0;
    }

    private static String count(long n) {
        return n < 0 ? "?" : n + " B";
    }
}
