package io.jsock.socket;

import java.io.IOException;
import java.io.Serial;

/**
 * A system call failed with an errno that has no more fitting JDK type (see {@link SyscallFailure}
 * for the ones that do). Carries the kernel's errno, the call's name and the address it was about,
 * with a message such as {@code recv 127.0.0.1:7: ECONNRESET (Connection reset by peer)}.
 */
public final class ErrnoException extends IOException implements SyscallFailure {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What failed. */
    private final Call call;

    /**
     * A failure without a detail.
     *
     * @param syscall the failing call, e.g. {@code "recv"}; not {@code null}
     * @param errno the errno it failed with
     * @param address what the call was about (its {@code toString()} is kept), or {@code null}
     */
    public ErrnoException(String syscall, int errno, Object address) {
        this(Call.of(syscall, errno, address), null);
    }

    /**
     * A failure with {@code detail} appended to the message after a colon, e.g. a hint at a
     * missing kernel feature.
     *
     * @param syscall the failing call, e.g. {@code "socket"}; not {@code null}
     * @param errno the errno it failed with
     * @param address what the call was about (its {@code toString()} is kept), or {@code null}
     * @param detail more words for the message, or {@code null}
     */
    public ErrnoException(String syscall, int errno, Object address, String detail) {
        this(Call.of(syscall, errno, address), detail);
    }

    /**
     * A failure with the one-line message of every {@link SyscallFailure}.
     *
     * @param call what failed
     * @param detail words for the end of the message, or {@code null}
     */
    public ErrnoException(Call call, String detail) {
        super(call.message(detail));
        this.call = call;
    }

    @Override
    public Call call() {
        return call;
    }
}
