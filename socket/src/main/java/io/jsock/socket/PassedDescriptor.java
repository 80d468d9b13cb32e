package io.jsock.socket;

import io.jsock.socket.internal.Libc;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A descriptor another process passed over a Unix socket (SCM_RIGHTS), owned by this process from
 * the moment {@link Socket#recvmsg} returned it: close-on-exec, and closed exactly once, either by
 * {@link #close()} or, once {@linkplain #adopt() adopted}, by the {@link Socket} that took it over.
 *
 * <p>Thread-safe: adopt and close may race; one of them wins.
 */
public final class PassedDescriptor implements AutoCloseable {
    private final int fd;
    /** Set by the first adopt or close: after it, this object no longer owns the number. */
    private final AtomicBoolean handedOver = new AtomicBoolean();

    PassedDescriptor(int fd) {
        this.fd = fd;
    }

    /** {@return the descriptor number in this process (valid while it is open)} */
    public int fd() {
        return fd;
    }

    /**
     * Makes the descriptor a {@link Socket}, which owns it from now on (see {@link Socket#adopt}).
     *
     * @return the socket; closing it closes the descriptor
     * @throws IllegalStateException if it was adopted or closed already
     * @throws IOException if it is not a socket jsock knows (ENOTSOCK, EAFNOSUPPORT); the descriptor
     *     is then closed
     */
    public Socket adopt() throws IOException {
        if (!handedOver.compareAndSet(false, true)) throw new IllegalStateException("fd " + fd + " was adopted or closed already");
        boolean adopted = false;
        try {
            Socket s = Socket.adopt(fd);
            adopted = true;
            return s;
        } finally {
            if (!adopted) Libc.close(fd); // not a socket: nobody else will close it
        }
    }

    /** Closes the descriptor unless it was adopted. Safe to call more than once. */
    @Override
    public void close() {
        if (handedOver.compareAndSet(false, true)) Libc.close(fd);
    }

    /** {@return e.g. {@code PassedDescriptor[fd=9]}} */
    @Override
    public String toString() {
        return "PassedDescriptor[fd=" + fd + (handedOver.get() ? " handed over" : "") + "]";
    }
}
