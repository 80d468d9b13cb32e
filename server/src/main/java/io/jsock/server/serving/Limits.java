package io.jsock.server.serving;

import io.jsock.server.Admission;
import io.jsock.socket.process.Credentials;
import java.time.Duration;

/**
 * What a server limits, beside its connection cap: who is admitted, how long a connection may be
 * idle and may live, and the user the server runs as once bound.
 *
 * @param admission   the rules and per-source limits, or null (everyone admitted)
 * @param idleTimeout no byte either way for this long closes the connection; null: never
 * @param deadline    a connection's whole life at most; null: no limit
 * @param runAs       the credentials the server drops to (accepting waits for the drop); null: none
 */
public record Limits(Admission admission, Duration idleTimeout, Duration deadline, Credentials runAs) {
    /** Nothing limited. */
    public static final Limits NONE = new Limits(null, null, null, null);

    /**
     * Whether a connection can time out.
     *
     * @return true with an idle timeout or a deadline
     */
    public boolean timed() {
        return idleTimeout != null || deadline != null;
    }
}
