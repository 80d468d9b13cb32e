package io.jsock.socket;

/**
 * The socket was closed, by this thread earlier or by another thread while this one was blocked in
 * it. The errno is EBADF: the descriptor is no longer this socket's.
 */
public final class SocketClosedException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    public SocketClosedException(String syscall) {
        super(syscall, Errno.EBADF.number(), null, "socket closed");
    }
}
