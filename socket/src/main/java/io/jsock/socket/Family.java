package io.jsock.socket;

/**
 * The protocol families of UNP 4.2, figure 4.2. Each carries both its {@code PF_} value (the first
 * argument of {@code socket(2)}) and its {@code AF_} value (the {@code sa_family} of an address). On
 * Linux the two are equal, but the text keeps them apart and so does this type.
 */
public enum Family {
    /** IPv4: PF_INET / AF_INET. */
    INET(2, 2),
    /** IPv6: PF_INET6 / AF_INET6. */
    INET6(10, 10),
    /** Unix domain: PF_LOCAL (= PF_UNIX) / AF_LOCAL. */
    LOCAL(1, 1),
    /** Routing sockets. BSD's PF_ROUTE is netlink on Linux: PF_NETLINK / AF_NETLINK (16). */
    ROUTE(16, 16),
    /** Key management (RFC 2367): PF_KEY / AF_KEY (15). Only where the kernel has CONFIG_NET_KEY. */
    KEY(15, 15),
    /**
     * Packet sockets (packet(7)): PF_PACKET / AF_PACKET (17), the link layer's frames as they pass an
     * interface, in and out; SOCK_RAW with the link header, SOCK_DGRAM without. Needs CAP_NET_RAW.
     */
    PACKET(17, 17);

    private final int pf;
    private final int af;

    Family(int pf, int af) {
        this.pf = pf;
        this.af = af;
    }

    /** {@return the value for {@code socket(2)}'s domain argument} */
    public int pf() {
        return pf;
    }

    /** {@return the value found in {@code sa_family} of this family's addresses} */
    public int af() {
        return af;
    }

    /**
     * The family whose {@code AF_} value is {@code af}.
     *
     * @param af an {@code sa_family} value
     * @return the family, or {@code null} for one jsock does not know
     */
    public static Family ofAf(int af) {
        for (Family f : values()) if (f.af == af) return f;
        return null;
    }

    /** {@return the C name of the socket-call constant, e.g. "PF_INET", "PF_NETLINK" for ROUTE} */
    public String pfName() {
        return switch (this) {
            case INET -> "PF_INET";
            case INET6 -> "PF_INET6";
            case LOCAL -> "PF_LOCAL";
            case ROUTE -> "PF_NETLINK";
            case KEY -> "PF_KEY";
            case PACKET -> "PF_PACKET";
        };
    }
}
