package io.jsock.socket;

import java.io.IOException;

/**
 * A system call failed. Carries the kernel's errno, the call's name and the address it was about,
 * with a message such as {@code connect 127.0.0.1:9: ECONNREFUSED (Connection refused)}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errnoNumber;
    private final String syscall;
    private final String address;

    public ErrnoException(String syscall, int errno, Object address) {
        this(syscall, errno, address, null);
    }

    /** With {@code detail} appended to the message after a comma, e.g. a hint at a missing kernel feature. */
    public ErrnoException(String syscall, int errno, Object address, String detail) {
        super(message(syscall, errno, address, detail));
        this.errnoNumber = errno;
        this.syscall = syscall;
        this.address = address == null ? null : address.toString();
    }

    private static String message(String syscall, int errno, Object address, String detail) {
        StringBuilder m = new StringBuilder(syscall);
        if (address != null) m.append(' ').append(address);
        m.append(": ").append(Errno.describe(errno));
        if (detail != null) m.append(": ").append(detail);
        return m.toString();
    }

    /** The errno, named; {@code null} for a number Linux does not define. */
    public Errno errno() {
        return Errno.of(errnoNumber);
    }

    /** The raw errno number. */
    public int errnoNumber() {
        return errnoNumber;
    }

    /** The failing call, e.g. "connect". */
    public String syscall() {
        return syscall;
    }

    /** The address the call was about, as text, or {@code null}. */
    public String address() {
        return address;
    }
}
