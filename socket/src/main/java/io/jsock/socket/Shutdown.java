package io.jsock.socket;

import io.jsock.socket.internal.Constants;

/** The {@code how} of {@code shutdown(2)} (UNP 6.6). */
public enum Shutdown {
    /** SHUT_RD: no more receptions; data queued or arriving is discarded. */
    READ(Constants.SHUT_RD),
    /** SHUT_WR: a half-close. The FIN goes out now, whatever other descriptors refer to the socket. */
    WRITE(Constants.SHUT_WR),
    /** SHUT_RDWR: both. */
    BOTH(Constants.SHUT_RDWR);

    final int how;

    Shutdown(int how) {
        this.how = how;
    }
}
