package io.jsock.server.proxy;

import java.time.Duration;

/**
 * A listener's PROXY protocol setting ({@code --proxy-protocol}): every connection must start with
 * a header (v1 or v2), from a trusted source, within the deadline; the header's addresses become the
 * connection's peer and local address.
 *
 * @param from     who may send the header; others are closed at once
 * @param deadline how long the header may take (3 s by default)
 */
public record ProxyProtocol(ProxySources from, Duration deadline) {
    /** The header deadline when none is given. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(3);
}
