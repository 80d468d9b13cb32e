package io.jsock.socket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import io.jsock.socket.Family;
import io.jsock.socket.SockAddr;

/**
 * The C address structs, one layout each, with accessors named after their fields. Segments are
 * heap segments over {@code long[]} (8-aligned), passed to critical downcalls.
 */
public final class Sockaddrs {
    private Sockaddrs() {}

    /** {@code struct sockaddr_storage}: big enough for any address. */
    public static final int STORAGE_SIZE = 128;

    private static final java.lang.foreign.ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final java.lang.foreign.ValueLayout.OfInt NET_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    /** A zeroed segment for {@code struct sockaddr_storage} and a {@code socklen_t} after it. */
    public static MemorySegment storage() {
        return MemorySegment.ofArray(new long[STORAGE_SIZE / 8 + 1]);
    }

    /** The {@code socklen_t} slot that follows the storage in {@link #storage()}. */
    public static MemorySegment lengthSlot(MemorySegment storage) {
        return storage.asSlice(STORAGE_SIZE, 4);
    }

    public static short sa_family(MemorySegment s) {
        return s.get(JAVA_SHORT, 0);
    }

    /** {@code struct sockaddr_in} (ip(7)): family, port and address in network byte order. */
    public static final class SockaddrIn {
        private SockaddrIn() {}

        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("sin_family"),
                NET_SHORT.withName("sin_port"),
                NET_INT.withName("sin_addr"),
                MemoryLayout.paddingLayout(8));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("sin_family"));
        private static final VarHandle PORT = LAYOUT.varHandle(groupElement("sin_port"));
        private static final VarHandle ADDR = LAYOUT.varHandle(groupElement("sin_addr"));
        public static final int SIZE = (int) LAYOUT.byteSize();

        public static short sin_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        public static void sin_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        public static int sin_port(MemorySegment s) { return Short.toUnsignedInt((short) PORT.get(s, 0L)); }
        public static void sin_port(MemorySegment s, int v) { PORT.set(s, 0L, (short) v); }
        /** The address as a big-endian int (a.b.c.d is a<<24|b<<16|c<<8|d). */
        public static int sin_addr(MemorySegment s) { return (int) ADDR.get(s, 0L); }
        public static void sin_addr(MemorySegment s, int v) { ADDR.set(s, 0L, v); }
    }

    /** {@code struct sockaddr_in6} (ipv6(7)). The scope id is in host byte order, the rest in network order. */
    public static final class SockaddrIn6 {
        private SockaddrIn6() {}

        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("sin6_family"),
                NET_SHORT.withName("sin6_port"),
                NET_INT.withName("sin6_flowinfo"),
                MemoryLayout.sequenceLayout(16, java.lang.foreign.ValueLayout.JAVA_BYTE).withName("sin6_addr"),
                JAVA_INT.withName("sin6_scope_id"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("sin6_family"));
        private static final VarHandle PORT = LAYOUT.varHandle(groupElement("sin6_port"));
        private static final VarHandle FLOWINFO = LAYOUT.varHandle(groupElement("sin6_flowinfo"));
        private static final VarHandle SCOPE_ID = LAYOUT.varHandle(groupElement("sin6_scope_id"));
        private static final long ADDR_OFFSET = LAYOUT.byteOffset(groupElement("sin6_addr"));
        public static final int SIZE = (int) LAYOUT.byteSize();

        public static short sin6_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        public static void sin6_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        public static int sin6_port(MemorySegment s) { return Short.toUnsignedInt((short) PORT.get(s, 0L)); }
        public static void sin6_port(MemorySegment s, int v) { PORT.set(s, 0L, (short) v); }
        public static int sin6_flowinfo(MemorySegment s) { return (int) FLOWINFO.get(s, 0L); }
        public static void sin6_flowinfo(MemorySegment s, int v) { FLOWINFO.set(s, 0L, v); }
        public static int sin6_scope_id(MemorySegment s) { return (int) SCOPE_ID.get(s, 0L); }
        public static void sin6_scope_id(MemorySegment s, int v) { SCOPE_ID.set(s, 0L, v); }
        public static byte[] sin6_addr(MemorySegment s) { return s.asSlice(ADDR_OFFSET, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE); }
        public static void sin6_addr(MemorySegment s, byte[] v) { MemorySegment.copy(MemorySegment.ofArray(v), 0, s, ADDR_OFFSET, 16); }
    }

    /**
     * {@code struct sockaddr_un} (unix(7)): a path, NUL-terminated; or, when {@code sun_path[0]} is
     * NUL, an abstract name whose length is the address length less the header.
     */
    public static final class SockaddrUn {
        private SockaddrUn() {}

        public static final int PATH_OFFSET = 2, PATH_MAX = 108;
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("sun_family"),
                MemoryLayout.sequenceLayout(PATH_MAX, java.lang.foreign.ValueLayout.JAVA_BYTE).withName("sun_path"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("sun_family"));

        public static short sun_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        public static void sun_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        /** The first {@code n} bytes of sun_path. */
        public static byte[] sun_path(MemorySegment s, int n) { return s.asSlice(PATH_OFFSET, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE); }
        public static void sun_path(MemorySegment s, byte[] v) { MemorySegment.copy(MemorySegment.ofArray(v), 0, s, PATH_OFFSET, v.length); }
    }

    /** {@code struct sockaddr_nl} (netlink(7)): family, padding, port id and multicast groups. */
    public static final class SockaddrNl {
        private SockaddrNl() {}

        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("nl_family"),
                JAVA_SHORT.withName("nl_pad"),
                JAVA_INT.withName("nl_pid"),
                JAVA_INT.withName("nl_groups"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("nl_family"));
        private static final VarHandle PID = LAYOUT.varHandle(groupElement("nl_pid"));
        private static final VarHandle GROUPS = LAYOUT.varHandle(groupElement("nl_groups"));
        public static final int SIZE = (int) LAYOUT.byteSize();

        public static short nl_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        public static void nl_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        public static int nl_pid(MemorySegment s) { return (int) PID.get(s, 0L); }
        public static void nl_pid(MemorySegment s, int v) { PID.set(s, 0L, v); }
        public static int nl_groups(MemorySegment s) { return (int) GROUPS.get(s, 0L); }
        public static void nl_groups(MemorySegment s, int v) { GROUPS.set(s, 0L, v); }
    }

    /**
     * {@code struct sockaddr_ll} (packet(7)): family, protocol (network order), interface index,
     * hardware type, packet type, and a hardware address of {@code sll_halen} bytes.
     */
    public static final class SockaddrLl {
        private SockaddrLl() {}

        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("sll_family"),
                NET_SHORT.withName("sll_protocol"),
                JAVA_INT.withName("sll_ifindex"),
                JAVA_SHORT.withName("sll_hatype"),
                java.lang.foreign.ValueLayout.JAVA_BYTE.withName("sll_pkttype"),
                java.lang.foreign.ValueLayout.JAVA_BYTE.withName("sll_halen"),
                MemoryLayout.sequenceLayout(8, java.lang.foreign.ValueLayout.JAVA_BYTE).withName("sll_addr"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("sll_family"));
        private static final VarHandle PROTOCOL = LAYOUT.varHandle(groupElement("sll_protocol"));
        private static final VarHandle IFINDEX = LAYOUT.varHandle(groupElement("sll_ifindex"));
        private static final VarHandle HATYPE = LAYOUT.varHandle(groupElement("sll_hatype"));
        private static final VarHandle PKTTYPE = LAYOUT.varHandle(groupElement("sll_pkttype"));
        private static final VarHandle HALEN = LAYOUT.varHandle(groupElement("sll_halen"));
        private static final long ADDR_OFFSET = LAYOUT.byteOffset(groupElement("sll_addr"));
        public static final int SIZE = (int) LAYOUT.byteSize();

        public static short sll_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        public static void sll_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        /** The EtherType in host order (the struct holds it in network order). */
        public static int sll_protocol(MemorySegment s) { return Short.toUnsignedInt((short) PROTOCOL.get(s, 0L)); }
        public static void sll_protocol(MemorySegment s, int v) { PROTOCOL.set(s, 0L, (short) v); }
        public static int sll_ifindex(MemorySegment s) { return (int) IFINDEX.get(s, 0L); }
        public static void sll_ifindex(MemorySegment s, int v) { IFINDEX.set(s, 0L, v); }
        public static int sll_hatype(MemorySegment s) { return Short.toUnsignedInt((short) HATYPE.get(s, 0L)); }
        public static void sll_hatype(MemorySegment s, int v) { HATYPE.set(s, 0L, (short) v); }
        public static int sll_pkttype(MemorySegment s) { return Byte.toUnsignedInt((byte) PKTTYPE.get(s, 0L)); }
        public static void sll_pkttype(MemorySegment s, int v) { PKTTYPE.set(s, 0L, (byte) v); }
        public static int sll_halen(MemorySegment s) { return Byte.toUnsignedInt((byte) HALEN.get(s, 0L)); }
        public static void sll_halen(MemorySegment s, int v) { HALEN.set(s, 0L, (byte) v); }
        /** The first {@code min(sll_halen, 8)} bytes of sll_addr. */
        public static byte[] sll_addr(MemorySegment s) { return s.asSlice(ADDR_OFFSET, Math.min(sll_halen(s), 8)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE); }
        /** Writes {@code v} (at most 8 bytes) into sll_addr and its length into sll_halen. */
        public static void sll_addr(MemorySegment s, byte[] v) {
            MemorySegment.copy(MemorySegment.ofArray(v), 0, s, ADDR_OFFSET, v.length);
            sll_halen(s, v.length);
        }
    }

    // ---- to and from the C structs

    /** Writes this address into {@code s} (a zeroed sockaddr_storage); returns the length to pass. */
    public static int encode(SockAddr address, MemorySegment s) {
        switch (address) {
            case SockAddr.Inet4 a -> {
                SockaddrIn.sin_family(s, (short) Family.INET.af());
                SockaddrIn.sin_port(s, a.port());
                byte[] b = a.address().getAddress();
                SockaddrIn.sin_addr(s, (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
                return SockaddrIn.SIZE;
            }
            case SockAddr.Inet6 a -> {
                SockaddrIn6.sin6_family(s, (short) Family.INET6.af());
                SockaddrIn6.sin6_port(s, a.port());
                SockaddrIn6.sin6_flowinfo(s, a.flowInfo());
                SockaddrIn6.sin6_addr(s, a.address().getAddress());
                SockaddrIn6.sin6_scope_id(s, a.scopeId());
                return SockaddrIn6.SIZE;
            }
            case SockAddr.Local a -> {
                SockaddrUn.sun_family(s, (short) Family.LOCAL.af());
                byte[] name = a.name().getBytes(StandardCharsets.UTF_8);
                if (a.isAbstract()) {
                    SockaddrUn.sun_path(s, new byte[] {0});
                    MemorySegment.copy(MemorySegment.ofArray(name), 0, s, SockaddrUn.PATH_OFFSET + 1, name.length);
                    return SockaddrUn.PATH_OFFSET + 1 + name.length;
                }
                SockaddrUn.sun_path(s, name);
                return SockaddrUn.PATH_OFFSET + name.length + 1; // with the NUL
            }
            case SockAddr.Netlink a -> {
                SockaddrNl.nl_family(s, (short) Family.ROUTE.af());
                SockaddrNl.nl_pid(s, a.pid());
                SockaddrNl.nl_groups(s, a.groups());
                return SockaddrNl.SIZE;
            }
            case SockAddr.Link a -> {
                SockaddrLl.sll_family(s, (short) Family.PACKET.af());
                SockaddrLl.sll_protocol(s, a.protocol());
                SockaddrLl.sll_ifindex(s, a.ifindex());
                SockaddrLl.sll_hatype(s, a.hatype());
                SockaddrLl.sll_pkttype(s, a.packetType());
                SockaddrLl.sll_addr(s, hardwareAddress(a.address()));
                return SockaddrLl.SIZE;
            }
        }
    }

    /** Reads the address the kernel wrote into {@code s}, {@code len} bytes long; {@code null} for a family it cannot read. */
    public static SockAddr decode(MemorySegment s, int len) {
        if (len < 2) return SockAddr.Local.path(""); // an unnamed Unix socket reports only its family, or nothing
        int family = sa_family(s);
        if (family == Family.INET.af()) {
            int a = SockaddrIn.sin_addr(s);
            return new SockAddr.Inet4((java.net.Inet4Address) inetAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a}),
                    SockaddrIn.sin_port(s));
        }
        if (family == Family.INET6.af()) {
            return new SockAddr.Inet6((java.net.Inet6Address) inetAddress(SockaddrIn6.sin6_addr(s)), SockaddrIn6.sin6_port(s),
                    SockaddrIn6.sin6_flowinfo(s), SockaddrIn6.sin6_scope_id(s));
        }
        if (family == Family.LOCAL.af()) {
            int n = len - SockaddrUn.PATH_OFFSET;
            if (n <= 0) return SockAddr.Local.path("");
            byte[] path = SockaddrUn.sun_path(s, n);
            if (path[0] == 0) return SockAddr.Local.abstractName(new String(path, 1, n - 1, StandardCharsets.UTF_8));
            int end = 0;
            while (end < n && path[end] != 0) end++;
            return SockAddr.Local.path(new String(path, 0, end, StandardCharsets.UTF_8));
        }
        if (family == Family.ROUTE.af()) return new SockAddr.Netlink(SockaddrNl.nl_pid(s), SockaddrNl.nl_groups(s));
        if (family == Family.PACKET.af()) {
            return new SockAddr.Link(SockaddrLl.sll_protocol(s), SockaddrLl.sll_ifindex(s), SockaddrLl.sll_hatype(s),
                    SockaddrLl.sll_pkttype(s), java.util.HexFormat.ofDelimiter(":").formatHex(SockaddrLl.sll_addr(s)));
        }
        return null;
    }

    /** {@code 00:11:22:33:44:55} as bytes; empty for none. */
    static byte[] hardwareAddress(String text) {
        if (text.isEmpty()) return new byte[0];
        byte[] b = java.util.HexFormat.ofDelimiter(":").parseHex(text);
        if (b.length > 8) throw new IllegalArgumentException("a hardware address is at most 8 bytes: " + text);
        return b;
    }

    private static java.net.InetAddress inetAddress(byte[] b) {
        try {
            // Inet6Address's own factory: InetAddress's would turn ::ffff:a.b.c.d into an Inet4Address.
            return b.length == 4 ? java.net.InetAddress.getByAddress(b) : java.net.Inet6Address.getByAddress(null, b, -1);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes: always an address
        }
    }
}
