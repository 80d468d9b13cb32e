package io.jsock.socket;

import java.io.Serial;
import java.net.SocketTimeoutException;

/**
 * The JDK's {@link SocketTimeoutException} for jsock's own timeouts: a blocking call outlasted
 * {@link Socket#setTimeout} or the connect timeout. The errno is ETIMEDOUT and the message says the
 * timeout was jsock's, not the kernel's: {@code accept 127.0.0.1:5000: ETIMEDOUT (Connection timed
 * out): jsock's timeout expired}. The socket stays open and usable.
 */
public final class ErrnoSocketTimeoutException extends SocketTimeoutException implements SyscallFailure {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What timed out. */
    private final Call call;

    /**
     * A timeout of {@code syscall}.
     *
     * @param syscall the call that waited, e.g. {@code "accept"}; not {@code null}
     * @param address what the call was about (its {@code toString()} is kept), or {@code null}
     */
    public ErrnoSocketTimeoutException(String syscall, Object address) {
        this(Call.of(syscall, Errno.ETIMEDOUT.number(), address));
    }

    private ErrnoSocketTimeoutException(Call call) {
        super(call.message("jsock's timeout expired"));
        this.call = call;
    }

    /** @return the call, with errno ETIMEDOUT */
    @Override
    public Call call() {
        return call;
    }
}
