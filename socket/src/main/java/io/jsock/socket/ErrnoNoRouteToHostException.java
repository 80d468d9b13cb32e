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

    /** The errno the call failed with. */
    private final int errnoNumber;
    /** The failing call. */
    private final String syscall;
    /** What the call was about, as text; {@code null} for nothing. */
    private final String address;

    /**
     * A failure with the one-line message of {@link ErrnoException}.
     *
     * @param syscall the failing call, e.g. {@code "connect"}; not {@code null}
     * @param errno the errno it failed with
     * @param address what the call was about (its {@code toString()} is kept), or {@code null}
     * @param detail more words for the message, or {@code null}
     */
    public ErrnoNoRouteToHostException(String syscall, int errno, Object address, String detail) {
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
