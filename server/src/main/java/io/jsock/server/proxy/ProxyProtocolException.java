package io.jsock.server.proxy;

import java.io.IOException;

/** A PROXY protocol header that is not one: the message says what was wrong, in one line. Costs only its connection. */
public final class ProxyProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A bad header.
     *
     * @param message what was wrong, e.g. {@code PROXY v1: port 80000 is not 0 to 65535}
     */
    public ProxyProtocolException(String message) {
        super(message);
    }
}
