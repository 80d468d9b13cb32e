package io.jsock.socket;

/**
 * The third argument of {@code socket(2)} (UNP 4.2, figure 4.4): 0 asks for the family and type's
 * default. {@link #of(int)} gives any other number, e.g. a netlink protocol such as
 * {@code NETLINK_SOCK_DIAG} (4).
 *
 * @param value the number {@code socket(2)} is given
 * @param name the C name messages show, e.g. {@code "IPPROTO_TCP"}; not {@code null}
 */
public record Protocol(int value, String name) {
    /** 0: the family's and type's default protocol. */
    public static final Protocol DEFAULT = new Protocol(0, "0");
    /** IPPROTO_ICMP (1): ping sockets (SOCK_DGRAM) and raw ICMP. */
    public static final Protocol ICMP = new Protocol(1, "IPPROTO_ICMP");
    /** IPPROTO_TCP (6). */
    public static final Protocol TCP = new Protocol(6, "IPPROTO_TCP");
    /** IPPROTO_UDP (17). */
    public static final Protocol UDP = new Protocol(17, "IPPROTO_UDP");
    /** IPPROTO_ICMPV6 (58). */
    public static final Protocol ICMPV6 = new Protocol(58, "IPPROTO_ICMPV6");
    /** IPPROTO_SCTP (132): only where the kernel has SCTP. */
    public static final Protocol SCTP = new Protocol(132, "IPPROTO_SCTP");
    /** netlink's socket-diagnostics protocol (inet_diag), for {@link Family#ROUTE}. */
    public static final Protocol NETLINK_SOCK_DIAG = new Protocol(4, "NETLINK_SOCK_DIAG");
    /** netlink's routing protocol, for {@link Family#ROUTE}. */
    public static final Protocol NETLINK_ROUTE = new Protocol(0, "NETLINK_ROUTE");

    /**
     * The protocol with that number.
     *
     * @param value a protocol number
     * @return the named constant for the numbers they cover (0 is {@link #DEFAULT}), else a protocol named by its number
     */
    public static Protocol of(int value) {
        return switch (value) {
            case 0 -> DEFAULT;
            case 1 -> ICMP;
            case 6 -> TCP;
            case 17 -> UDP;
            case 58 -> ICMPV6;
            case 132 -> SCTP;
            default -> new Protocol(value, Integer.toString(value));
        };
    }

    /** {@return the C name, e.g. {@code IPPROTO_TCP}} */
    @Override
    public String toString() {
        return name;
    }
}
