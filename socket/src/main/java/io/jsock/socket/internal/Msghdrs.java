package io.jsock.socket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The structs of sendmsg(2) and recvmsg(2) (their man page, and cmsg(3) for the ancillary part), one
 * layout each, with accessors named after the C fields. They hold native pointers, so their segments
 * are native (an arena's), not heap arrays.
 */
public final class Msghdrs {
    private Msghdrs() {}

    /** {@code struct iovec}: one piece of the data, {@code iov_base} and {@code iov_len}. */
    public static final class Iovec {
        private Iovec() {}

        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                ADDRESS.withName("iov_base"),
                JAVA_LONG.withName("iov_len"));
        private static final VarHandle BASE = LAYOUT.varHandle(groupElement("iov_base"));
        private static final VarHandle LEN = LAYOUT.varHandle(groupElement("iov_len"));

        public static MemorySegment iov_base(MemorySegment s) { return (MemorySegment) BASE.get(s, 0L); }
        public static void iov_base(MemorySegment s, MemorySegment v) { BASE.set(s, 0L, v); }
        public static long iov_len(MemorySegment s) { return (long) LEN.get(s, 0L); }
        public static void iov_len(MemorySegment s, long v) { LEN.set(s, 0L, v); }
    }

    /**
     * {@code struct msghdr}: the peer's address (unused by jsock: Unix sockets it sends on are
     * connected), the data as iovecs, the control (ancillary) buffer, and the flags recvmsg returns
     * (MSG_CTRUNC, MSG_TRUNC).
     */
    public static final class Msghdr {
        private Msghdr() {}

        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                ADDRESS.withName("msg_name"),
                JAVA_INT.withName("msg_namelen"),
                MemoryLayout.paddingLayout(4),
                ADDRESS.withName("msg_iov"),
                JAVA_LONG.withName("msg_iovlen"),
                ADDRESS.withName("msg_control"),
                JAVA_LONG.withName("msg_controllen"),
                JAVA_INT.withName("msg_flags"),
                MemoryLayout.paddingLayout(4));
        private static final VarHandle NAME = LAYOUT.varHandle(groupElement("msg_name"));
        private static final VarHandle NAMELEN = LAYOUT.varHandle(groupElement("msg_namelen"));
        private static final VarHandle IOV = LAYOUT.varHandle(groupElement("msg_iov"));
        private static final VarHandle IOVLEN = LAYOUT.varHandle(groupElement("msg_iovlen"));
        private static final VarHandle CONTROL = LAYOUT.varHandle(groupElement("msg_control"));
        private static final VarHandle CONTROLLEN = LAYOUT.varHandle(groupElement("msg_controllen"));
        private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("msg_flags"));

        public static MemorySegment msg_name(MemorySegment s) { return (MemorySegment) NAME.get(s, 0L); }
        public static void msg_name(MemorySegment s, MemorySegment v) { NAME.set(s, 0L, v); }
        public static int msg_namelen(MemorySegment s) { return (int) NAMELEN.get(s, 0L); }
        public static void msg_namelen(MemorySegment s, int v) { NAMELEN.set(s, 0L, v); }
        public static MemorySegment msg_iov(MemorySegment s) { return (MemorySegment) IOV.get(s, 0L); }
        public static void msg_iov(MemorySegment s, MemorySegment v) { IOV.set(s, 0L, v); }
        public static long msg_iovlen(MemorySegment s) { return (long) IOVLEN.get(s, 0L); }
        public static void msg_iovlen(MemorySegment s, long v) { IOVLEN.set(s, 0L, v); }
        public static MemorySegment msg_control(MemorySegment s) { return (MemorySegment) CONTROL.get(s, 0L); }
        public static void msg_control(MemorySegment s, MemorySegment v) { CONTROL.set(s, 0L, v); }
        public static long msg_controllen(MemorySegment s) { return (long) CONTROLLEN.get(s, 0L); }
        public static void msg_controllen(MemorySegment s, long v) { CONTROLLEN.set(s, 0L, v); }
        public static int msg_flags(MemorySegment s) { return (int) FLAGS.get(s, 0L); }
        public static void msg_flags(MemorySegment s, int v) { FLAGS.set(s, 0L, v); }
    }

    /**
     * {@code struct cmsghdr}: one ancillary message, its length (header included), level and type,
     * then its data at {@link #DATA_OFFSET} ({@code CMSG_DATA}). Messages follow each other at
     * {@link #space} steps in the control buffer.
     */
    public static final class Cmsghdr {
        private Cmsghdr() {}

        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("cmsg_len"),
                JAVA_INT.withName("cmsg_level"),
                JAVA_INT.withName("cmsg_type"));
        private static final VarHandle LEN = LAYOUT.varHandle(groupElement("cmsg_len"));
        private static final VarHandle LEVEL = LAYOUT.varHandle(groupElement("cmsg_level"));
        private static final VarHandle TYPE = LAYOUT.varHandle(groupElement("cmsg_type"));

        /** {@code CMSG_DATA(c) - (unsigned char *) c}: the header, aligned. */
        public static final long DATA_OFFSET = align(LAYOUT.byteSize());

        public static long cmsg_len(MemorySegment s) { return (long) LEN.get(s, 0L); }
        public static void cmsg_len(MemorySegment s, long v) { LEN.set(s, 0L, v); }
        public static int cmsg_level(MemorySegment s) { return (int) LEVEL.get(s, 0L); }
        public static void cmsg_level(MemorySegment s, int v) { LEVEL.set(s, 0L, v); }
        public static int cmsg_type(MemorySegment s) { return (int) TYPE.get(s, 0L); }
        public static void cmsg_type(MemorySegment s, int v) { TYPE.set(s, 0L, v); }

        /** {@code CMSG_ALIGN(n)}: up to a multiple of {@code sizeof(size_t)}. */
        public static long align(long n) {
            return (n + 7) & ~7L;
        }

        /** {@code CMSG_LEN(n)}: what cmsg_len holds for {@code n} bytes of data. */
        public static long len(long n) {
            return DATA_OFFSET + n;
        }

        /** {@code CMSG_SPACE(n)}: the room one message with {@code n} bytes of data takes in the buffer. */
        public static long space(long n) {
            return DATA_OFFSET + align(n);
        }
    }
}
