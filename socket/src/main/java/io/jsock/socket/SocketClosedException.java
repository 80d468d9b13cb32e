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

    /** What was refused. */
    private final Call call;

    /** The one-line message (ClosedChannelException takes none of its own). */
    private final String message;

    /**
     * A call refused because the socket is closed.
     *
     * @param syscall the call, e.g. {@code "recv"}; not {@code null}
     */
    public SocketClosedException(String syscall) {
        this.call = Call.of(syscall, Errno.EBADF.number(), null); // a closed socket has no address to name
        this.message = call.message("socket closed");
    }

    /** @return the one-line message, e.g. {@code accept: EBADF (Bad file descriptor): socket closed} */
    @Override
    public String getMessage() {
        return message;
    }

    /** @return the call, with errno EBADF and no address */
    @Override
    public Call call() {
        return call;
    }
}
