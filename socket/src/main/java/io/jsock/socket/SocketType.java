package io.jsock.socket;

/** The socket types of UNP 4.2, figure 4.3: the second argument of {@code socket(2)}. */
public enum SocketType {
    /** Byte stream (TCP, SCTP one-to-one, Unix stream). */
    STREAM(1),
    /** Datagrams (UDP, Unix datagram, netlink). */
    DGRAM(2),
    /** Sequenced packets with boundaries (SCTP, Unix seqpacket). */
    SEQPACKET(5),
    /** Raw packets (ICMP, IP; needs CAP_NET_RAW). */
    RAW(3);

    private final int value;

    SocketType(int value) {
        this.value = value;
    }

    /** {@return the C value: {@code SOCK_STREAM} and friends} */
    public int value() {
        return value;
    }

    /**
     * The type whose {@code SOCK_} value is {@code value}.
     *
     * @param value a {@code SOCK_} value
     * @return the type, or {@code null} for one jsock does not know
     */
    public static SocketType of(int value) {
        for (SocketType t : values()) if (t.value == value) return t;
        return null;
    }
}
