package io.jsock.socket;

import java.io.Serial;
import java.net.ConnectException;

/**
 * The JDK's {@link ConnectException} with the errno: connect(2) was refused (ECONNREFUSED: nothing
 * listens there) or the kernel gave up on the handshake (ETIMEDOUT: no answer to its SYNs). For jsock's
 * own connect timeout see {@link ErrnoSocketTimeoutException}.
 */
public final class ErrnoConnectException extends ConnectException implements SyscallFailure {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What failed. */
    private final Call call;

    /**
     * A failure with the one-line message of every {@link SyscallFailure}.
     *
     * @param call what failed, e.g. {@code Call.of("connect", 111, address)}
     * @param detail words for the end of the message, or {@code null}
     */
    public ErrnoConnectException(Call call, String detail) {
        super(call.message(detail));
        this.call = call;
    }

    @Override
    public Call call() {
        return call;
    }
}
