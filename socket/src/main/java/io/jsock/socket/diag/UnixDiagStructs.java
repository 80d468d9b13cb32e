package io.jsock.socket.diag;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The unix_diag structs that {@link SockDiag} sends and reads for Unix domain sockets
 * ({@code linux/unix_diag.h}, sock_diag(7)): the request, the reply and the queue-length attribute.
 * One layout each, accessors named after the C fields, every number in host order.
 */
final class UnixDiagStructs {
    private UnixDiagStructs() {}

    // <linux/unix_diag.h>: what udiag_show asks for, and the attributes after struct unix_diag_msg
    static final int UDIAG_SHOW_NAME = 0x01, UDIAG_SHOW_PEER = 0x04, UDIAG_SHOW_RQLEN = 0x10;
    static final int UNIX_DIAG_NAME = 0, UNIX_DIAG_PEER = 2, UNIX_DIAG_RQLEN = 4;

    /**
     * {@code struct unix_diag_req}: the SOCK_DIAG_BY_FAMILY request for AF_UNIX. {@code udiag_states}
     * is a mask of TCP state bits (Unix sockets use ESTABLISHED, LISTEN and CLOSE); {@code udiag_ino}
     * and {@code udiag_cookie} pick one socket and are ignored by a dump.
     * <pre>
     * __u8  sdiag_family;
     * __u8  sdiag_protocol;
     * __u16 pad;
     * __u32 udiag_states;
     * __u32 udiag_ino;
     * __u32 udiag_show;
     * __u32 udiag_cookie[2];
     * </pre>
     */
    static final class UnixDiagReq {
        private UnixDiagReq() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_BYTE.withName("sdiag_family"),
                JAVA_BYTE.withName("sdiag_protocol"),
                JAVA_SHORT.withName("pad"),
                JAVA_INT.withName("udiag_states"),
                JAVA_INT.withName("udiag_ino"),
                JAVA_INT.withName("udiag_show"),
                MemoryLayout.sequenceLayout(2, JAVA_INT).withName("udiag_cookie"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("sdiag_family"));
        private static final VarHandle PROTOCOL = LAYOUT.varHandle(groupElement("sdiag_protocol"));
        private static final VarHandle STATES = LAYOUT.varHandle(groupElement("udiag_states"));
        private static final VarHandle INO = LAYOUT.varHandle(groupElement("udiag_ino"));
        private static final VarHandle SHOW = LAYOUT.varHandle(groupElement("udiag_show"));
        private static final long COOKIE_OFFSET = LAYOUT.byteOffset(groupElement("udiag_cookie"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int sdiag_family(MemorySegment s) { return Byte.toUnsignedInt((byte) FAMILY.get(s, 0L)); }
        static void sdiag_family(MemorySegment s, int v) { FAMILY.set(s, 0L, (byte) v); }
        static int sdiag_protocol(MemorySegment s) { return Byte.toUnsignedInt((byte) PROTOCOL.get(s, 0L)); }
        static void sdiag_protocol(MemorySegment s, int v) { PROTOCOL.set(s, 0L, (byte) v); }
        static int udiag_states(MemorySegment s) { return (int) STATES.get(s, 0L); }
        static void udiag_states(MemorySegment s, int v) { STATES.set(s, 0L, v); }
        static long udiag_ino(MemorySegment s) { return Integer.toUnsignedLong((int) INO.get(s, 0L)); }
        static void udiag_ino(MemorySegment s, long v) { INO.set(s, 0L, (int) v); }
        static int udiag_show(MemorySegment s) { return (int) SHOW.get(s, 0L); }
        static void udiag_show(MemorySegment s, int v) { SHOW.set(s, 0L, v); }
        static long udiag_cookie(MemorySegment s) { return SockDiagStructs.cookie(s, COOKIE_OFFSET); }
        static void udiag_cookie(MemorySegment s, long v) { SockDiagStructs.cookie(s, COOKIE_OFFSET, v); }
    }

    /**
     * {@code struct unix_diag_msg}: one Unix socket in a SOCK_DIAG_BY_FAMILY reply, followed by the
     * attributes asked for ({@code UNIX_DIAG_NAME}, {@code UNIX_DIAG_PEER}, {@code UNIX_DIAG_RQLEN}).
     * <pre>
     * __u8  udiag_family;
     * __u8  udiag_type;
     * __u8  udiag_state;
     * __u8  pad;
     * __u32 udiag_ino;
     * __u32 udiag_cookie[2];
     * </pre>
     */
    static final class UnixDiagMsg {
        private UnixDiagMsg() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_BYTE.withName("udiag_family"),
                JAVA_BYTE.withName("udiag_type"),
                JAVA_BYTE.withName("udiag_state"),
                JAVA_BYTE.withName("pad"),
                JAVA_INT.withName("udiag_ino"),
                MemoryLayout.sequenceLayout(2, JAVA_INT).withName("udiag_cookie"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("udiag_family"));
        private static final VarHandle TYPE = LAYOUT.varHandle(groupElement("udiag_type"));
        private static final VarHandle STATE = LAYOUT.varHandle(groupElement("udiag_state"));
        private static final VarHandle INO = LAYOUT.varHandle(groupElement("udiag_ino"));
        private static final long COOKIE_OFFSET = LAYOUT.byteOffset(groupElement("udiag_cookie"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int udiag_family(MemorySegment s) { return Byte.toUnsignedInt((byte) FAMILY.get(s, 0L)); }
        static void udiag_family(MemorySegment s, int v) { FAMILY.set(s, 0L, (byte) v); }
        static int udiag_type(MemorySegment s) { return Byte.toUnsignedInt((byte) TYPE.get(s, 0L)); }
        static void udiag_type(MemorySegment s, int v) { TYPE.set(s, 0L, (byte) v); }
        static int udiag_state(MemorySegment s) { return Byte.toUnsignedInt((byte) STATE.get(s, 0L)); }
        static void udiag_state(MemorySegment s, int v) { STATE.set(s, 0L, (byte) v); }
        static long udiag_ino(MemorySegment s) { return Integer.toUnsignedLong((int) INO.get(s, 0L)); }
        static void udiag_ino(MemorySegment s, long v) { INO.set(s, 0L, (int) v); }
        static long udiag_cookie(MemorySegment s) { return SockDiagStructs.cookie(s, COOKIE_OFFSET); }
        static void udiag_cookie(MemorySegment s, long v) { SockDiagStructs.cookie(s, COOKIE_OFFSET, v); }
    }

    /**
     * {@code struct unix_diag_rqlen}: the value of {@code UNIX_DIAG_RQLEN}. For a listener, the
     * connections waiting to be accepted and the backlog; otherwise the bytes queued to read and the
     * bytes sent that the peer has not read yet (their buffers' size, as the kernel counts them).
     * <pre>
     * __u32 udiag_rqueue;
     * __u32 udiag_wqueue;
     * </pre>
     */
    static final class UnixDiagRqlen {
        private UnixDiagRqlen() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_INT.withName("udiag_rqueue"),
                JAVA_INT.withName("udiag_wqueue"));
        private static final VarHandle RQUEUE = LAYOUT.varHandle(groupElement("udiag_rqueue"));
        private static final VarHandle WQUEUE = LAYOUT.varHandle(groupElement("udiag_wqueue"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static long udiag_rqueue(MemorySegment s) { return Integer.toUnsignedLong((int) RQUEUE.get(s, 0L)); }
        static void udiag_rqueue(MemorySegment s, long v) { RQUEUE.set(s, 0L, (int) v); }
        static long udiag_wqueue(MemorySegment s) { return Integer.toUnsignedLong((int) WQUEUE.get(s, 0L)); }
        static void udiag_wqueue(MemorySegment s, long v) { WQUEUE.set(s, 0L, (int) v); }
    }
}
