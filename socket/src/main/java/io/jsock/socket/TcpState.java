package io.jsock.socket;

/** TCP states as Linux numbers them ({@code include/net/tcp_states.h}), used by TCP_INFO and sock_diag. */
public enum TcpState {
    UNKNOWN, ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK,
    LISTEN, CLOSING, NEW_SYN_RECV, BOUND_INACTIVE;

    /** The state with Linux's number {@code n}; UNKNOWN for numbers it does not know. */
    public static TcpState of(int n) {
        TcpState[] all = values();
        return n > 0 && n < all.length ? all[n] : UNKNOWN;
    }

    /** The bit for this state in inet_diag's {@code idiag_states} mask. */
    public int bit() {
        return 1 << ordinal();
    }
}
