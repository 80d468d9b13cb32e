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

    /** The errno the call failed with. */
    private final int errnoNumber;
    /** The failing call. */
    private final String syscall;
    /** What the call was about, as text; {@code null} for nothing. */
    private final String address;

    /**
     * A failure without a detail.
     *
     * @param syscall the failing call, e.g. {@code "recv"}; not {@code null}
     * @param errno the errno it failed with
     * @param address what the call was about (its {@code toString()} is kept), or {@code null}
     */
    public ErrnoException(String syscall, int errno, Object address) {
        this(syscall, errno, address, null);
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
        super(message(syscall, errno, address, detail));
        this.errnoNumber = errno;
        this.syscall = syscall;
        this.address = text(address);
    }

    /** The one-line message every jsock failure has: "call address: ENAME (text): detail". */
    static String message(String syscall, int errno, Object address, String detail) {
        StringBuilder m = new StringBuilder(syscall);
        if (address != null) m.append(' ').append(address);
        m.append(": ").append(Errno.describe(errno));
        if (detail != null) m.append(": ").append(detail);
        return m.toString();
    }

    static String text(Object address) {
        return address == null ? null : address.toString();
    }

    @Override
    public int errnoNumber() {
        return errnoNumber;
    }

    @Override
    public String syscall() {
        return syscall;
    }

    @Override
    public String address() {
        return address;
    }
}
