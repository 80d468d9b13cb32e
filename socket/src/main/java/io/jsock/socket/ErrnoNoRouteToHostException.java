package io.jsock.socket;

import java.io.Serial;
import java.net.NoRouteToHostException;

/**
 * The JDK's {@link NoRouteToHostException} with the errno: connect(2) found no route
 * (ENETUNREACH: no route to the network; EHOSTUNREACH: the host did not answer ARP, or a router said so).
 */
public final class ErrnoNoRouteToHostException extends NoRouteToHostException implements SyscallFailure {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What failed. */
    private final Call call;

    /**
     * A failure with the one-line message of every {@link SyscallFailure}.
     *
     * @param call what failed, e.g. {@code Call.of("connect", 113, address)}
     * @param detail words for the end of the message, or {@code null}
     */
    public ErrnoNoRouteToHostException(Call call, String detail) {
        super(call.message(detail));
        this.call = call;
    }

    @Override
    public Call call() {
        return call;
    }
}
