package io.jsock.server.serving;

import io.jsock.socket.Errno;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * What one accepting thread or event loop does when accept(2) fails, the same in every model. Per
 * accept(2): the errors of the new connection (ECONNABORTED, EPROTO, ENETDOWN, ...) and EINTR are
 * retried at once; running out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) pauses
 * accepting, 10 ms doubling up to a second, until accept succeeds again (connections that end free
 * some). The first failure of a back-off and the recovery are logged, one line each. The accepting
 * thread (or loop) only.
 */
public final class AcceptBackoff {
    // Set at construction; never change.
    private final Serving serving;

    // The accepting thread only.
    private long pauseMillis; // the last pause; 0: not backing off

    /**
     * The back-off of one accepting thread or loop.
     *
     * @param serving the server, which logs the lines
     */
    public AcceptBackoff(Serving serving) {
        this.serving = serving;
    }

    /**
     * The errno of accept's failure, for {@link #retriedAtOnce}.
     *
     * @param e what accept threw
     * @return its errno; null when it has none (a failure outside the kernel)
     */
    public static Errno errno(IOException e) {
        return e instanceof SyscallFailure f ? f.errno() : null;
    }

    /**
     * accept(2)'s errors that concern only the new connection (or a signal): retried at once.
     *
     * @param errno accept's errno, or null for a failure without one
     * @return true to retry at once; false to back off (EMFILE, ENOMEM, a failure without an errno, ...)
     */
    public static boolean retriedAtOnce(Errno errno) {
        if (errno == null) return false;
        return switch (errno) {
            case ECONNABORTED, EINTR, EPROTO, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH,
                    EOPNOTSUPP, ENETUNREACH, ECONNRESET, ETIMEDOUT, EPERM -> true;
            default -> false;
        };
    }

    /**
     * accept failed with a shortage ({@link #retriedAtOnce} said false): the next pause, twice the
     * last one (10 ms the first time, a second at most); the first of a back-off is logged.
     *
     * @param message the failure's one line (call, address, errno)
     * @return how long to pause accepting, in milliseconds
     */
    public long failed(String message) {
        if (pauseMillis == 0) serving.log(Level.WARNING, message + "; backing off until accept succeeds again");
        pauseMillis = pauseMillis == 0 ? 10 : Math.min(1000, pauseMillis * 2);
        return pauseMillis;
    }

    /** accept succeeded: the back-off, if any, is over (and said so). */
    public void succeeded() {
        if (pauseMillis > 0) serving.log(Level.WARNING, "accept succeeds again");
        pauseMillis = 0;
    }
}
