package io.jsock.socket;

/** TCP states as Linux numbers them ({@code include/net/tcp_states.h}), used by TCP_INFO and sock_diag. */
public enum TcpState {
    /** 0: not a state Linux uses; also what {@link #of} gives for a number it does not know. */
    UNKNOWN,
    /** 1: the handshake is done; data flows both ways. */
    ESTABLISHED,
    /** 2: connect sent its SYN and waits for the SYN-ACK. */
    SYN_SENT,
    /** 3: a listener's half-open connection: SYN received, SYN-ACK sent. */
    SYN_RECV,
    /** 4: this end sent its FIN and waits for its ACK. */
    FIN_WAIT1,
    /** 5: this end's FIN was acknowledged; waits for the peer's FIN. */
    FIN_WAIT2,
    /** 6: both FINs exchanged, this end closed first: waits 2MSL before the port is free. */
    TIME_WAIT,
    /** 7: no connection. */
    CLOSE,
    /** 8: the peer sent its FIN; this end has not closed yet. */
    CLOSE_WAIT,
    /** 9: this end closed after the peer's FIN and waits for the last ACK. */
    LAST_ACK,
    /** 10: a listener (after listen(2)). */
    LISTEN,
    /** 11: both ends sent FIN at once. */
    CLOSING,
    /** 12: Linux's request socket for a half-open connection (what sock_diag shows in the SYN queue). */
    NEW_SYN_RECV,
    /** 13: bound, neither listening nor connected (Linux 6.5+). */
    BOUND_INACTIVE;

    /**
     * The state with Linux's number {@code n}.
     *
     * @param n the number, e.g. {@code tcpi_state} or {@code idiag_state}
     * @return the state; {@link #UNKNOWN} for numbers it does not know
     */
    public static TcpState of(int n) {
        TcpState[] all = values();
        return n > 0 && n < all.length ? all[n] : UNKNOWN;
    }

    /** {@return the bit for this state in inet_diag's {@code idiag_states} mask} */
    public int bit() {
        return 1 << ordinal();
    }
}
