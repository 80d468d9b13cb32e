package io.jsock.socket;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The C address structs, one layout each, with accessors named after their fields. Segments are
 * heap segments over {@code long[]} (8-aligned), passed to critical downcalls.
 */
final class Sockaddrs {
    private Sockaddrs() {}

    /** {@code struct sockaddr_storage}: big enough for any address. */
    static final int STORAGE_SIZE = 128;

    private static final java.lang.foreign.ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final java.lang.foreign.ValueLayout.OfInt NET_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    /** A zeroed segment for {@code struct sockaddr_storage} and a {@code socklen_t} after it. */
    static MemorySegment storage() {
        return MemorySegment.ofArray(new long[STORAGE_SIZE / 8 + 1]);
    }

    /** The {@code socklen_t} slot that follows the storage in {@link #storage()}. */
    static MemorySegment lengthSlot(MemorySegment storage) {
        return storage.asSlice(STORAGE_SIZE, 4);
    }

    static short sa_family(MemorySegment s) {
        return s.get(JAVA_SHORT, 0);
    }

    /** {@code struct sockaddr_in} (ip(7)): family, port and address in network byte order. */
    static final class SockaddrIn {
        private SockaddrIn() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("sin_family"),
                NET_SHORT.withName("sin_port"),
                NET_INT.withName("sin_addr"),
                MemoryLayout.paddingLayout(8));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("sin_family"));
        private static final VarHandle PORT = LAYOUT.varHandle(groupElement("sin_port"));
        private static final VarHandle ADDR = LAYOUT.varHandle(groupElement("sin_addr"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static short sin_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        static void sin_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        static int sin_port(MemorySegment s) { return Short.toUnsignedInt((short) PORT.get(s, 0L)); }
        static void sin_port(MemorySegment s, int v) { PORT.set(s, 0L, (short) v); }
        /** The address as a big-endian int (a.b.c.d is a<<24|b<<16|c<<8|d). */
        static int sin_addr(MemorySegment s) { return (int) ADDR.get(s, 0L); }
        static void sin_addr(MemorySegment s, int v) { ADDR.set(s, 0L, v); }
    }

    /** {@code struct sockaddr_in6} (ipv6(7)). The scope id is in host byte order, the rest in network order. */
    static final class SockaddrIn6 {
        private SockaddrIn6() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
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
        static final int SIZE = (int) LAYOUT.byteSize();

        static short sin6_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        static void sin6_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        static int sin6_port(MemorySegment s) { return Short.toUnsignedInt((short) PORT.get(s, 0L)); }
        static void sin6_port(MemorySegment s, int v) { PORT.set(s, 0L, (short) v); }
        static int sin6_flowinfo(MemorySegment s) { return (int) FLOWINFO.get(s, 0L); }
        static void sin6_flowinfo(MemorySegment s, int v) { FLOWINFO.set(s, 0L, v); }
        static int sin6_scope_id(MemorySegment s) { return (int) SCOPE_ID.get(s, 0L); }
        static void sin6_scope_id(MemorySegment s, int v) { SCOPE_ID.set(s, 0L, v); }
        static byte[] sin6_addr(MemorySegment s) { return s.asSlice(ADDR_OFFSET, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE); }
        static void sin6_addr(MemorySegment s, byte[] v) { MemorySegment.copy(MemorySegment.ofArray(v), 0, s, ADDR_OFFSET, 16); }
    }

    /**
     * {@code struct sockaddr_un} (unix(7)): a path, NUL-terminated; or, when {@code sun_path[0]} is
     * NUL, an abstract name whose length is the address length less the header.
     */
    static final class SockaddrUn {
        private SockaddrUn() {}

        static final int PATH_OFFSET = 2, PATH_MAX = 108;
        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("sun_family"),
                MemoryLayout.sequenceLayout(PATH_MAX, java.lang.foreign.ValueLayout.JAVA_BYTE).withName("sun_path"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("sun_family"));

        static short sun_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        static void sun_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        /** The first {@code n} bytes of sun_path. */
        static byte[] sun_path(MemorySegment s, int n) { return s.asSlice(PATH_OFFSET, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE); }
        static void sun_path(MemorySegment s, byte[] v) { MemorySegment.copy(MemorySegment.ofArray(v), 0, s, PATH_OFFSET, v.length); }
    }

    /** {@code struct sockaddr_nl} (netlink(7)): family, padding, port id and multicast groups. */
    static final class SockaddrNl {
        private SockaddrNl() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("nl_family"),
                JAVA_SHORT.withName("nl_pad"),
                JAVA_INT.withName("nl_pid"),
                JAVA_INT.withName("nl_groups"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("nl_family"));
        private static final VarHandle PID = LAYOUT.varHandle(groupElement("nl_pid"));
        private static final VarHandle GROUPS = LAYOUT.varHandle(groupElement("nl_groups"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static short nl_family(MemorySegment s) { return (short) FAMILY.get(s, 0L); }
        static void nl_family(MemorySegment s, short v) { FAMILY.set(s, 0L, v); }
        static int nl_pid(MemorySegment s) { return (int) PID.get(s, 0L); }
        static void nl_pid(MemorySegment s, int v) { PID.set(s, 0L, v); }
        static int nl_groups(MemorySegment s) { return (int) GROUPS.get(s, 0L); }
        static void nl_groups(MemorySegment s, int v) { GROUPS.set(s, 0L, v); }
    }
}
