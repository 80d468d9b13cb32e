package io.jsock.socket.diag;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The netlink and inet_diag structs that {@link SockDiag} sends and reads (netlink(7), sock_diag(7),
 * {@code linux/netlink.h}, {@code linux/inet_diag.h}). One layout each, accessors named after the C
 * fields. Ports and addresses are in network byte order on the wire; the accessors take and give
 * them as numbers and bytes.
 */
final class SockDiagStructs {
    private SockDiagStructs() {}

    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    // <linux/netlink.h>
    public static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3;
    public static final short NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_DUMP = 0x300; // NLM_F_ROOT | NLM_F_MATCH
    // <linux/sock_diag.h>
    public static final short SOCK_DIAG_BY_FAMILY = 20;
    // <linux/inet_diag.h>: attributes after struct inet_diag_msg
    public static final int INET_DIAG_SKV6ONLY = 11;
    // <linux/inet_diag.h>: the request attribute carrying a filter program, and two of its operations
    public static final int INET_DIAG_REQ_BYTECODE = 1;
    public static final int INET_DIAG_BC_JMP = 1, INET_DIAG_BC_S_EQ = 11, INET_DIAG_BC_D_EQ = 12;

    /** A socket cookie, two 32-bit words, as one number: {@code cookie[1] << 32 | cookie[0]}, as iproute2 prints it. */
    static long cookie(MemorySegment s, long offset) {
        return Integer.toUnsignedLong(s.get(JAVA_INT, offset)) | (long) s.get(JAVA_INT, offset + 4) << 32;
    }

    /** Writes a socket cookie's two words, the low one first. */
    static void cookie(MemorySegment s, long offset, long v) {
        s.set(JAVA_INT, offset, (int) v);
        s.set(JAVA_INT, offset + 4, (int) (v >>> 32));
    }

    /** NLMSG_ALIGN: every netlink message starts on a 4-byte boundary. */
    public static int nlmsgAlign(int len) {
        return (len + 3) & ~3;
    }

    /**
     * {@code struct nlmsghdr} (netlink(7)): the header of every netlink message.
     * <pre>
     * __u32 nlmsg_len;   length including this header
     * __u16 nlmsg_type;  NLMSG_DONE, NLMSG_ERROR or the family's type (SOCK_DIAG_BY_FAMILY)
     * __u16 nlmsg_flags; NLM_F_REQUEST, NLM_F_DUMP, NLM_F_MULTI
     * __u32 nlmsg_seq;   echoed by the kernel
     * __u32 nlmsg_pid;   port id of the sender (0: the kernel)
     * </pre>
     */
    public static final class NlMsgHdr {
        private NlMsgHdr() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_INT.withName("nlmsg_len"),
                JAVA_SHORT.withName("nlmsg_type"),
                JAVA_SHORT.withName("nlmsg_flags"),
                JAVA_INT.withName("nlmsg_seq"),
                JAVA_INT.withName("nlmsg_pid"));
        private static final VarHandle LEN = LAYOUT.varHandle(groupElement("nlmsg_len"));
        private static final VarHandle TYPE = LAYOUT.varHandle(groupElement("nlmsg_type"));
        private static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("nlmsg_flags"));
        private static final VarHandle SEQ = LAYOUT.varHandle(groupElement("nlmsg_seq"));
        private static final VarHandle PID = LAYOUT.varHandle(groupElement("nlmsg_pid"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int nlmsg_len(MemorySegment s) { return (int) LEN.get(s, 0L); }
        static void nlmsg_len(MemorySegment s, int v) { LEN.set(s, 0L, v); }
        static int nlmsg_type(MemorySegment s) { return Short.toUnsignedInt((short) TYPE.get(s, 0L)); }
        static void nlmsg_type(MemorySegment s, int v) { TYPE.set(s, 0L, (short) v); }
        static int nlmsg_flags(MemorySegment s) { return Short.toUnsignedInt((short) FLAGS.get(s, 0L)); }
        static void nlmsg_flags(MemorySegment s, int v) { FLAGS.set(s, 0L, (short) v); }
        static int nlmsg_seq(MemorySegment s) { return (int) SEQ.get(s, 0L); }
        static void nlmsg_seq(MemorySegment s, int v) { SEQ.set(s, 0L, v); }
        static int nlmsg_pid(MemorySegment s) { return (int) PID.get(s, 0L); }
        static void nlmsg_pid(MemorySegment s, int v) { PID.set(s, 0L, v); }
    }

    /**
     * {@code struct nlmsgerr} (netlink(7)): the payload of NLMSG_ERROR; {@code error} is a negative
     * errno, or 0 for an acknowledgement. The header of the request that failed follows.
     * <pre>
     * int error;
     * struct nlmsghdr msg;
     * </pre>
     */
    public static final class NlMsgErr {
        private NlMsgErr() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_INT.withName("error"),
                NlMsgHdr.LAYOUT.withName("msg"));
        private static final VarHandle ERROR = LAYOUT.varHandle(groupElement("error"));
        private static final long MSG_OFFSET = LAYOUT.byteOffset(groupElement("msg"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int error(MemorySegment s) { return (int) ERROR.get(s, 0L); }
        static void error(MemorySegment s, int v) { ERROR.set(s, 0L, v); }
        /** The failed request's header, read and written with {@link NlMsgHdr}. */
        static MemorySegment msg(MemorySegment s) { return s.asSlice(MSG_OFFSET, NlMsgHdr.SIZE); }
    }

    /**
     * {@code struct inet_diag_sockid} (sock_diag(7)): a socket's identity. IPv4 addresses use the
     * first 4 bytes of {@code idiag_src}/{@code idiag_dst}.
     * <pre>
     * __be16 idiag_sport;
     * __be16 idiag_dport;
     * __be32 idiag_src[4];
     * __be32 idiag_dst[4];
     * __u32  idiag_if;
     * __u32  idiag_cookie[2];
     * </pre>
     */
    public static final class InetDiagSockId {
        private InetDiagSockId() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                NET_SHORT.withName("idiag_sport"),
                NET_SHORT.withName("idiag_dport"),
                MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("idiag_src"),
                MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("idiag_dst"),
                JAVA_INT.withName("idiag_if"),
                MemoryLayout.sequenceLayout(2, JAVA_INT).withName("idiag_cookie"));
        private static final VarHandle SPORT = LAYOUT.varHandle(groupElement("idiag_sport"));
        private static final VarHandle DPORT = LAYOUT.varHandle(groupElement("idiag_dport"));
        private static final VarHandle IF = LAYOUT.varHandle(groupElement("idiag_if"));
        private static final long SRC_OFFSET = LAYOUT.byteOffset(groupElement("idiag_src"));
        private static final long DST_OFFSET = LAYOUT.byteOffset(groupElement("idiag_dst"));
        private static final long COOKIE_OFFSET = LAYOUT.byteOffset(groupElement("idiag_cookie"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int idiag_sport(MemorySegment s) { return Short.toUnsignedInt((short) SPORT.get(s, 0L)); }
        static void idiag_sport(MemorySegment s, int v) { SPORT.set(s, 0L, (short) v); }
        static int idiag_dport(MemorySegment s) { return Short.toUnsignedInt((short) DPORT.get(s, 0L)); }
        static void idiag_dport(MemorySegment s, int v) { DPORT.set(s, 0L, (short) v); }
        static byte[] idiag_src(MemorySegment s) { return s.asSlice(SRC_OFFSET, 16).toArray(JAVA_BYTE); }
        static void idiag_src(MemorySegment s, byte[] v) { copy16(v, s, SRC_OFFSET); }
        static byte[] idiag_dst(MemorySegment s) { return s.asSlice(DST_OFFSET, 16).toArray(JAVA_BYTE); }
        static void idiag_dst(MemorySegment s, byte[] v) { copy16(v, s, DST_OFFSET); }
        static int idiag_if(MemorySegment s) { return (int) IF.get(s, 0L); }
        static void idiag_if(MemorySegment s, int v) { IF.set(s, 0L, v); }
        /** The two cookie words as one number, {@code cookie[1] << 32 | cookie[0]}, as iproute2 prints it. */
        static long idiag_cookie(MemorySegment s) { return cookie(s, COOKIE_OFFSET); }
        static void idiag_cookie(MemorySegment s, long v) { cookie(s, COOKIE_OFFSET, v); }

        /** An address of up to 16 bytes (4 for IPv4), zero-filled to 16. */
        private static void copy16(byte[] v, MemorySegment s, long offset) {
            if (v.length > 16) throw new IllegalArgumentException("an address is at most 16 bytes: " + v.length);
            s.asSlice(offset, 16).fill((byte) 0);
            MemorySegment.copy(MemorySegment.ofArray(v), 0, s, offset, v.length);
        }
    }

    /**
     * {@code struct inet_diag_req_v2} (sock_diag(7)): the SOCK_DIAG_BY_FAMILY request for TCP, UDP
     * and friends. {@code idiag_states} is a bit mask of TCP states (bit {@code 1 << state}).
     * <pre>
     * __u8  sdiag_family;
     * __u8  sdiag_protocol;
     * __u8  idiag_ext;
     * __u8  pad;
     * __u32 idiag_states;
     * struct inet_diag_sockid id;
     * </pre>
     */
    public static final class InetDiagReqV2 {
        private InetDiagReqV2() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_BYTE.withName("sdiag_family"),
                JAVA_BYTE.withName("sdiag_protocol"),
                JAVA_BYTE.withName("idiag_ext"),
                JAVA_BYTE.withName("pad"),
                JAVA_INT.withName("idiag_states"),
                InetDiagSockId.LAYOUT.withName("id"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("sdiag_family"));
        private static final VarHandle PROTOCOL = LAYOUT.varHandle(groupElement("sdiag_protocol"));
        private static final VarHandle EXT = LAYOUT.varHandle(groupElement("idiag_ext"));
        private static final VarHandle STATES = LAYOUT.varHandle(groupElement("idiag_states"));
        private static final long ID_OFFSET = LAYOUT.byteOffset(groupElement("id"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int sdiag_family(MemorySegment s) { return Byte.toUnsignedInt((byte) FAMILY.get(s, 0L)); }
        static void sdiag_family(MemorySegment s, int v) { FAMILY.set(s, 0L, (byte) v); }
        static int sdiag_protocol(MemorySegment s) { return Byte.toUnsignedInt((byte) PROTOCOL.get(s, 0L)); }
        static void sdiag_protocol(MemorySegment s, int v) { PROTOCOL.set(s, 0L, (byte) v); }
        static int idiag_ext(MemorySegment s) { return Byte.toUnsignedInt((byte) EXT.get(s, 0L)); }
        static void idiag_ext(MemorySegment s, int v) { EXT.set(s, 0L, (byte) v); }
        static int idiag_states(MemorySegment s) { return (int) STATES.get(s, 0L); }
        static void idiag_states(MemorySegment s, int v) { STATES.set(s, 0L, v); }
        /** The embedded {@code inet_diag_sockid}, read and written with {@link InetDiagSockId}. */
        static MemorySegment id(MemorySegment s) { return s.asSlice(ID_OFFSET, InetDiagSockId.SIZE); }
    }

    /**
     * {@code struct inet_diag_msg} (sock_diag(7)): one socket in a SOCK_DIAG_BY_FAMILY reply. For a
     * listener, {@code idiag_rqueue} is the completed-queue length and {@code idiag_wqueue} the
     * backlog; otherwise the bytes queued to read and not yet acknowledged.
     * <pre>
     * __u8  idiag_family;
     * __u8  idiag_state;
     * __u8  idiag_timer;
     * __u8  idiag_retrans;
     * struct inet_diag_sockid id;
     * __u32 idiag_expires;
     * __u32 idiag_rqueue;
     * __u32 idiag_wqueue;
     * __u32 idiag_uid;
     * __u32 idiag_inode;
     * </pre>
     */
    public static final class InetDiagMsg {
        private InetDiagMsg() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_BYTE.withName("idiag_family"),
                JAVA_BYTE.withName("idiag_state"),
                JAVA_BYTE.withName("idiag_timer"),
                JAVA_BYTE.withName("idiag_retrans"),
                InetDiagSockId.LAYOUT.withName("id"),
                JAVA_INT.withName("idiag_expires"),
                JAVA_INT.withName("idiag_rqueue"),
                JAVA_INT.withName("idiag_wqueue"),
                JAVA_INT.withName("idiag_uid"),
                JAVA_INT.withName("idiag_inode"));
        private static final VarHandle FAMILY = LAYOUT.varHandle(groupElement("idiag_family"));
        private static final VarHandle STATE = LAYOUT.varHandle(groupElement("idiag_state"));
        private static final VarHandle TIMER = LAYOUT.varHandle(groupElement("idiag_timer"));
        private static final VarHandle RETRANS = LAYOUT.varHandle(groupElement("idiag_retrans"));
        private static final VarHandle EXPIRES = LAYOUT.varHandle(groupElement("idiag_expires"));
        private static final VarHandle RQUEUE = LAYOUT.varHandle(groupElement("idiag_rqueue"));
        private static final VarHandle WQUEUE = LAYOUT.varHandle(groupElement("idiag_wqueue"));
        private static final VarHandle UID = LAYOUT.varHandle(groupElement("idiag_uid"));
        private static final VarHandle INODE = LAYOUT.varHandle(groupElement("idiag_inode"));
        private static final long ID_OFFSET = LAYOUT.byteOffset(groupElement("id"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int idiag_family(MemorySegment s) { return Byte.toUnsignedInt((byte) FAMILY.get(s, 0L)); }
        static void idiag_family(MemorySegment s, int v) { FAMILY.set(s, 0L, (byte) v); }
        static int idiag_state(MemorySegment s) { return Byte.toUnsignedInt((byte) STATE.get(s, 0L)); }
        static void idiag_state(MemorySegment s, int v) { STATE.set(s, 0L, (byte) v); }
        static int idiag_timer(MemorySegment s) { return Byte.toUnsignedInt((byte) TIMER.get(s, 0L)); }
        static void idiag_timer(MemorySegment s, int v) { TIMER.set(s, 0L, (byte) v); }
        static int idiag_retrans(MemorySegment s) { return Byte.toUnsignedInt((byte) RETRANS.get(s, 0L)); }
        static void idiag_retrans(MemorySegment s, int v) { RETRANS.set(s, 0L, (byte) v); }
        /** The embedded {@code inet_diag_sockid}, read and written with {@link InetDiagSockId}. */
        static MemorySegment id(MemorySegment s) { return s.asSlice(ID_OFFSET, InetDiagSockId.SIZE); }
        static long idiag_expires(MemorySegment s) { return Integer.toUnsignedLong((int) EXPIRES.get(s, 0L)); }
        static void idiag_expires(MemorySegment s, long v) { EXPIRES.set(s, 0L, (int) v); }
        static long idiag_rqueue(MemorySegment s) { return Integer.toUnsignedLong((int) RQUEUE.get(s, 0L)); }
        static void idiag_rqueue(MemorySegment s, long v) { RQUEUE.set(s, 0L, (int) v); }
        static long idiag_wqueue(MemorySegment s) { return Integer.toUnsignedLong((int) WQUEUE.get(s, 0L)); }
        static void idiag_wqueue(MemorySegment s, long v) { WQUEUE.set(s, 0L, (int) v); }
        static long idiag_uid(MemorySegment s) { return Integer.toUnsignedLong((int) UID.get(s, 0L)); }
        static void idiag_uid(MemorySegment s, long v) { UID.set(s, 0L, (int) v); }
        static long idiag_inode(MemorySegment s) { return Integer.toUnsignedLong((int) INODE.get(s, 0L)); }
        static void idiag_inode(MemorySegment s, long v) { INODE.set(s, 0L, (int) v); }
    }

    /**
     * {@code struct rtattr} (rtnetlink(7), used by inet_diag for the attributes after
     * {@code inet_diag_msg}): a length (header included) and a type, then the value, padded to 4.
     * <pre>
     * unsigned short rta_len;
     * unsigned short rta_type;
     * </pre>
     */
    public static final class RtAttr {
        private RtAttr() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_SHORT.withName("rta_len"),
                JAVA_SHORT.withName("rta_type"));
        private static final VarHandle LEN = LAYOUT.varHandle(groupElement("rta_len"));
        private static final VarHandle TYPE = LAYOUT.varHandle(groupElement("rta_type"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int rta_len(MemorySegment s) { return Short.toUnsignedInt((short) LEN.get(s, 0L)); }
        static void rta_len(MemorySegment s, int v) { LEN.set(s, 0L, (short) v); }
        static int rta_type(MemorySegment s) { return Short.toUnsignedInt((short) TYPE.get(s, 0L)); }
        static void rta_type(MemorySegment s, int v) { TYPE.set(s, 0L, (short) v); }
    }

    /**
     * {@code struct inet_diag_bc_op} (sock_diag(7), {@code linux/inet_diag.h}): one instruction of
     * the filter the kernel runs on each socket of a dump. A true condition jumps {@code yes} bytes
     * ahead, a false one {@code no}; landing at the end of the program accepts the socket, four
     * bytes past it rejects. A port comparison is followed by a second op whose {@code no} holds the port.
     * <pre>
     * unsigned char  code;
     * unsigned char  yes;
     * unsigned short no;
     * </pre>
     */
    public static final class InetDiagBcOp {
        private InetDiagBcOp() {}

        static final StructLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_BYTE.withName("code"),
                JAVA_BYTE.withName("yes"),
                JAVA_SHORT.withName("no"));
        private static final VarHandle CODE = LAYOUT.varHandle(groupElement("code"));
        private static final VarHandle YES = LAYOUT.varHandle(groupElement("yes"));
        private static final VarHandle NO = LAYOUT.varHandle(groupElement("no"));
        static final int SIZE = (int) LAYOUT.byteSize();

        static int code(MemorySegment s) { return Byte.toUnsignedInt((byte) CODE.get(s, 0L)); }
        static void code(MemorySegment s, int v) { CODE.set(s, 0L, (byte) v); }
        static int yes(MemorySegment s) { return Byte.toUnsignedInt((byte) YES.get(s, 0L)); }
        static void yes(MemorySegment s, int v) { YES.set(s, 0L, (byte) v); }
        static int no(MemorySegment s) { return Short.toUnsignedInt((short) NO.get(s, 0L)); }
        static void no(MemorySegment s, int v) { NO.set(s, 0L, (short) v); }
    }
}
