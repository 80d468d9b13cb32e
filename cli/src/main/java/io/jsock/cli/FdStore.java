package io.jsock.cli;

import io.jsock.server.Endpoint;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.activation.ListenFds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * systemd's fd store seen from {@code jsock serve}: under a service manager (NOTIFY_SOCKET), each
 * listener bound for a {@code --bind} endpoint is stored ({@code FDSTORE=1}) under the name
 * {@link #name}; after a restart of the unit it comes back among LISTEN_FDS under that name, and
 * serves its endpoint again instead of a new bind, so its accept queue was never dropped. One that
 * comes back for an endpoint no longer asked for is closed and removed from the store.
 */
final class FdStore implements AutoCloseable {
    /**
     * The start of every name jsock stores a listener under; not {@code jsock.}, which a socket unit's
     * sockets are named by default ({@code jsock.socket}).
     */
    static final String PREFIX = "jsock-bind.";

    // Taken out of the inherited sockets by claim(): those matching an endpoint, and the others of ours.
    private final Map<Endpoint, ListenFds.Inherited> kept;
    private final List<ListenFds.Inherited> stale;

    private FdStore(Map<Endpoint, ListenFds.Inherited> kept, List<ListenFds.Inherited> stale) {
        this.kept = kept;
        this.stale = stale;
    }

    /** {@return the fd name of endpoint {@code e}'s listener: {@code jsock-bind.127.0.0.1_9877} (systemd's names have no ':')} */
    static String name(Endpoint e) {
        StringBuilder b = new StringBuilder(PREFIX);
        e.toString().chars().forEach(c -> b.append(c > ' ' && c < 0x7f && c != ':' ? (char) c : '_'));
        return b.length() > 255 ? b.substring(0, 255) : b.toString();
    }

    /**
     * Takes out of {@code inherited} the stream listeners named {@link #PREFIX}...: each bound where one
     * of {@code endpoints} asks to listen is kept for it, the others are stale.
     */
    static FdStore claim(List<ListenFds.Inherited> inherited, List<Endpoint> endpoints) throws IOException {
        Map<Endpoint, ListenFds.Inherited> kept = new LinkedHashMap<>();
        List<ListenFds.Inherited> stale = new ArrayList<>();
        for (var it = inherited.iterator(); it.hasNext(); ) {
            ListenFds.Inherited i = it.next();
            if (!i.name().startsWith(PREFIX) || !i.listening() || i.socket().type() != SocketType.STREAM) continue;
            SockAddr at = i.socket().getsockname(); // before the removal: on failure the caller closes it with the rest
            it.remove();
            Endpoint e = endpoints.stream().filter(x -> x.type() == SocketType.STREAM && x.address().equals(at) && !kept.containsKey(x))
                    .findFirst().orElse(null);
            if (e != null) kept.put(e, i);
            else stale.add(i);
        }
        return new FdStore(kept, stale);
    }

    /**
     * The listener the store kept for {@code e}, which the caller's server owns from now on.
     *
     * @return it, or null when none came back for {@code e}
     */
    ListenFds.Inherited listenerFor(Endpoint e) {
        return kept.remove(e);
    }

    /** Closes the stale listeners and, under a service manager, removes them from its store; one line each. */
    void dropStale(SdNotifier notifier, ServeLog log) {
        for (ListenFds.Inherited i : stale) {
            i.socket().close();
            if (notifier != null) notifier.removeFromStore(i.name());
            log.info(i + " from the fd store is no --bind endpoint now: closed" + (notifier != null ? " and removed from the store" : ""));
        }
        stale.clear();
    }

    /** Closes what no server took. Safe to call more than once. */
    @Override
    public void close() {
        for (ListenFds.Inherited i : kept.values()) i.socket().close();
        kept.clear();
        for (ListenFds.Inherited i : stale) i.socket().close();
        stale.clear();
    }
}
