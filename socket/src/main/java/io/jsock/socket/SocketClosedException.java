package io.jsock.socket;

import java.io.Serial;
import java.nio.channels.ClosedChannelException;

/**
 * The socket was closed, by this thread earlier or by another thread while this one was blocked in
 * it: the JDK's {@link ClosedChannelException} with the errno, EBADF (the descriptor is no longer
 * this socket's). The message reads {@code recv: EBADF (Bad file descriptor): socket closed}.
 */
public final class SocketClosedException extends ClosedChannelException implements SyscallFailure {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The failing call. */
    private final String syscall;
    /** The one-line message. */
    private final String message;

    /**
     * A call refused because the socket is closed.
     *
     * @param syscall the call, e.g. {@code "recv"}; not {@code null}
     */
    public SocketClosedException(String syscall) {
        this.syscall = syscall;
        this.message = ErrnoException.message(syscall, Errno.EBADF.number(), null, "socket closed");
    }

    /** @return the one-line message, e.g. {@code accept: EBADF (Bad file descriptor): socket closed} */
    @Override
    public String getMessage() {
        return message;
    }

    /** @return EBADF's number */
    @Override
    public int errnoNumber() {
        return Errno.EBADF.number();
    }

    @Override
    public String syscall() {
        return syscall;
    }

    /** @return {@code null}: a closed socket has no address to name */
    @Override
    public String address() {
        return null;
    }
}
