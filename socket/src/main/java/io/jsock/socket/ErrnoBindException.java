package io.jsock.socket;

import java.io.Serial;
import java.net.BindException;

/**
 * The JDK's {@link BindException} with the errno: the local address could not be had (EADDRINUSE:
 * in use; EADDRNOTAVAIL: not an address of this host, or no ephemeral port left; EACCES: a port below
 * 1024 without the privilege).
 */
public final class ErrnoBindException extends BindException implements SyscallFailure {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What failed. */
    private final Call call;

    /**
     * A failure with the one-line message of every {@link SyscallFailure}.
     *
     * @param call what failed, e.g. {@code Call.of("bind", 98, address)}
     * @param detail words for the end of the message, or {@code null}
     */
    public ErrnoBindException(Call call, String detail) {
        super(call.message(detail));
        this.call = call;
    }

    @Override
    public Call call() {
        return call;
    }
}
