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

    /** The errno the call failed with. */
    private final int errnoNumber;
    /** The failing call. */
    private final String syscall;
    /** What the call was about, as text; {@code null} for nothing. */
    private final String address;

    /**
     * A failure with the one-line message of {@link ErrnoException}.
     *
     * @param syscall the failing call, e.g. {@code "bind"}; not {@code null}
     * @param errno the errno it failed with
     * @param address what the call was about (its {@code toString()} is kept), or {@code null}
     * @param detail more words for the message, or {@code null}
     */
    public ErrnoBindException(String syscall, int errno, Object address, String detail) {
        super(ErrnoException.message(syscall, errno, address, detail));
        this.errnoNumber = errno;
        this.syscall = syscall;
        this.address = ErrnoException.text(address);
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
