package io.jsock.server.datagram;

import io.jsock.socket.SockAddr;
import java.util.Set;

/**
 * CERT CA-1996-01: a forged datagram "from" one UDP service to another (chargen to echo) makes the two
 * answer each other for ever. A reply never goes to a small service's port (echo 7, daytime 13,
 * chargen 19, time 37) however the server is configured, and goes to another port below 1024 (where
 * only servers live) only when asked. Unix datagram sources have no ports and pass.
 */
final class ReflectionGuard {
    private ReflectionGuard() {}

    /** The ports of the services that answer whatever reaches them: never answered. */
    static final Set<Integer> SERVICE_PORTS = Set.of(7, 13, 19, 37);

    /** Below this, a port is a server's (the privileged ports). */
    static final int FIRST_UNPRIVILEGED = 1024;

    /** {@return why a reply to {@code source} must not be sent, or null when it may} */
    static String refusal(SockAddr source, boolean replyToPrivilegedPorts) {
        if (source instanceof SockAddr.Local) return null;
        int port = source.port();
        if (SERVICE_PORTS.contains(port)) return "source port " + port + " is a small service's (reflection loop)";
        if (port < FIRST_UNPRIVILEGED && !replyToPrivilegedPorts) return "source port " + port + " is below 1024";
        return null;
    }
}
