package io.jsock.socket.diag;

import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.TcpState;
import io.jsock.socket.internal.IoStatus;

import static io.jsock.socket.diag.SockDiagStructs.NLMSG_DONE;
import static io.jsock.socket.diag.SockDiagStructs.NLMSG_ERROR;
import static io.jsock.socket.diag.SockDiagStructs.NLM_F_DUMP;
import static io.jsock.socket.diag.SockDiagStructs.NLM_F_REQUEST;
import static io.jsock.socket.diag.SockDiagStructs.SOCK_DIAG_BY_FAMILY;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jsock.socket.diag.SockDiagStructs.InetDiagBcOp;
import io.jsock.socket.diag.SockDiagStructs.InetDiagMsg;
import io.jsock.socket.diag.SockDiagStructs.InetDiagReqV2;
import io.jsock.socket.diag.SockDiagStructs.InetDiagSockId;
import io.jsock.socket.diag.SockDiagStructs.NlMsgErr;
import io.jsock.socket.diag.SockDiagStructs.NlMsgHdr;
import io.jsock.socket.diag.SockDiagStructs.RtAttr;
import io.jsock.socket.diag.UnixDiagStructs.UnixDiagMsg;
import io.jsock.socket.diag.UnixDiagStructs.UnixDiagReq;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernel's list of TCP, UDP and Unix domain sockets, asked over a routing socket: {@code socket(PF_NETLINK,
 * SOCK_DGRAM, NETLINK_SOCK_DIAG)} — BSD's PF_ROUTE is netlink on Linux — with one
 * {@code SOCK_DIAG_BY_FAMILY} dump request per family ({@code struct inet_diag_req_v2} for IPv4 and
 * IPv6, {@code struct unix_diag_req} for AF_UNIX), answered by a multipart reply of
 * {@code struct inet_diag_msg} or {@code struct unix_diag_msg} ended by NLMSG_DONE (sock_diag(7)).
 * This is what iproute2's {@code ss} does.
 *
 * <p>The dump covers the network namespace of the calling thread. A request socket (a connection in
 * a listener's incomplete queue) is reported with state SYN_RECV when SYN_RECV is asked for.
 */
public final class SockDiag {
    private SockDiag() {}

    /** Every state, for {@link #tcp(Set)}. */
    public static final Set<TcpState> ALL_STATES = EnumSet.complementOf(EnumSet.of(TcpState.UNKNOWN));

    /** The largest datagram a dump reply uses is 32 KiB; twice that never truncates. */
    private static final int RECEIVE_BUFFER = 64 * 1024;
    /** A dump ends with NLMSG_DONE; a bound on the datagrams read before that keeps a broken reply from looping. */
    private static final int MAX_DATAGRAMS = 1 << 16;
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    private static final AtomicInteger SEQ = new AtomicInteger((int) System.nanoTime() & 0x7fff_ffff);

    /**
     * TCP sockets of both families (IPv4 first, then IPv6) in any of {@code states}.
     *
     * @param states the states to list, e.g. {@link #ALL_STATES}
     * @return the sockets, in the kernel's order; empty when there are none
     * @throws IOException what netlink refused, as a {@link io.jsock.socket.SyscallFailure}, or a reply
     *         that did not end within the timeout
     */
    public static List<DiagSocket> tcp(Set<TcpState> states) throws IOException {
        return tcp(states, NO_PORT);
    }

    /**
     * TCP sockets of both families in any of {@code states} whose local or peer port is {@code port}:
     * the kernel filters (a two-instruction inet_diag bytecode program), so a busy host's thousands of
     * other sockets never cross netlink.
     *
     * @param states the states to list
     * @param port the port, 0 to 65535
     * @return the sockets, in the kernel's order
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws IOException as {@link #tcp(Set)}
     */
    public static List<DiagSocket> tcp(Set<TcpState> states, int port) throws IOException {
        return inet(Protocol.TCP, states, port);
    }

    /** The sockets of {@code protocol}: IPv4's dump, then IPv6's. */
    private static List<DiagSocket> inet(Protocol protocol, Set<TcpState> states, int port) throws IOException {
        List<DiagSocket> all = new ArrayList<>(dump(Family.INET, protocol, states, port));
        all.addAll(dump(Family.INET6, protocol, states, port));
        return all;
    }

    /**
     * UDP sockets of both families (IPv4 first, then IPv6) in any of {@code states}: a bound socket
     * that is not connected is in {@link TcpState#CLOSE} (ss's UNCONN), a connected one in
     * {@link TcpState#ESTABLISHED}. For UDP the queues are the kernel's buffer accounting of what
     * waits to be read and what waits to be sent ({@code sk_rmem_alloc}, {@code sk_wmem_alloc}).
     *
     * @param states the states to list
     * @return the sockets, in the kernel's order
     * @throws IOException as {@link #tcp(Set)}
     */
    public static List<DiagSocket> udp(Set<TcpState> states) throws IOException {
        return udp(states, NO_PORT);
    }

    /**
     * UDP sockets of both families in any of {@code states} whose local or peer port is {@code port},
     * filtered in the kernel as {@link #tcp(Set, int)} does.
     *
     * @param states the states to list
     * @param port the port, 0 to 65535
     * @return the sockets, in the kernel's order
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws IOException as {@link #tcp(Set)}
     */
    public static List<DiagSocket> udp(Set<TcpState> states, int port) throws IOException {
        return inet(Protocol.UDP, states, port);
    }

    /**
     * Unix domain sockets of every type (stream, datagram, seqpacket) in any of {@code states}, each
     * with its name, its peer's inode and its queues ({@code UDIAG_SHOW_NAME | UDIAG_SHOW_PEER |
     * UDIAG_SHOW_RQLEN}).
     *
     * @param states the states to list: Unix sockets are in LISTEN, ESTABLISHED or CLOSE
     * @return the sockets, in the kernel's order
     * @throws IOException as {@link #tcp(Set)}
     */
    public static List<UnixDiagSocket> unix(Set<TcpState> states) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int seq = SEQ.incrementAndGet();
            MemorySegment request = arena.allocate(NlMsgHdr.SIZE + UnixDiagReq.SIZE, 8);
            writeUnixRequest(request, seq, mask(states));
            return exchange(request, seq, "PF_LOCAL", UnixDiagMsg.SIZE, UnixDiag::decode);
        }
    }

    /** A Unix dump request: nlmsghdr, then unix_diag_req asking for names, peers and queue lengths. */
    static void writeUnixRequest(MemorySegment m, int seq, int states) {
        m.fill((byte) 0);
        NlMsgHdr.nlmsg_len(m, NlMsgHdr.SIZE + UnixDiagReq.SIZE);
        NlMsgHdr.nlmsg_type(m, SOCK_DIAG_BY_FAMILY);
        NlMsgHdr.nlmsg_flags(m, NLM_F_REQUEST | NLM_F_DUMP);
        NlMsgHdr.nlmsg_seq(m, seq);
        MemorySegment req = m.asSlice(NlMsgHdr.SIZE, UnixDiagReq.SIZE);
        UnixDiagReq.sdiag_family(req, Family.LOCAL.af());
        UnixDiagReq.udiag_states(req, states);
        UnixDiagReq.udiag_show(req, UnixDiagStructs.UDIAG_SHOW_NAME | UnixDiagStructs.UDIAG_SHOW_PEER
                | UnixDiagStructs.UDIAG_SHOW_RQLEN);
    }

    private static int mask(Set<TcpState> states) {
        int mask = 0;
        for (TcpState s : states) mask |= s.bit();
        return mask;
    }

    /** No port filter. */
    private static final int NO_PORT = -1;

    /**
     * One SOCK_DIAG_BY_FAMILY dump: the sockets of {@code family} and {@code protocol} in any of
     * {@code states}.
     *
     * @param family INET or INET6
     * @param protocol TCP (UDP and others carry no TCP state)
     * @param states the states to list
     * @return the sockets, in the kernel's order
     * @throws IllegalArgumentException if {@code family} is neither INET nor INET6
     * @throws IOException a protocol the kernel has no diagnostics for comes back as its NLMSG_ERROR, e.g.
     *         ENOENT, as an {@link io.jsock.socket.ErrnoException} from {@code sock_diag}; or as {@link #tcp(Set)}
     */
    public static List<DiagSocket> dump(Family family, Protocol protocol, Set<TcpState> states) throws IOException {
        return dump(family, protocol, states, NO_PORT);
    }

    private static List<DiagSocket> dump(Family family, Protocol protocol, Set<TcpState> states, int port) throws IOException {
        if (port != NO_PORT && (port < 0 || port > 65535)) throw new IllegalArgumentException("port out of range 0-65535: " + port);
        if (family != Family.INET && family != Family.INET6) {
            throw new IllegalArgumentException("inet_diag lists INET and INET6 sockets, not " + family);
        }
        String what = family.pfName() + "/" + protocol;
        try (Arena arena = Arena.ofConfined()) {
            int seq = SEQ.incrementAndGet();
            MemorySegment request = arena.allocate(NlMsgHdr.SIZE + InetDiagReqV2.SIZE + PORT_FILTER_SIZE, 8);
            request = request.asSlice(0, writeRequest(request, seq, family.af(), protocol.value(), mask(states), port));
            return exchange(request, seq, what, InetDiagMsg.SIZE, SockDiag::decode);
        }
    }

    /**
     * Sends one dump request from a new netlink socket and reads the reply until NLMSG_DONE, each
     * message of at least {@code messageSize} bytes decoded with {@code decode}.
     */
    private static <T> List<T> exchange(MemorySegment request, int seq, String what, int messageSize,
            Function<MemorySegment, T> decode) throws IOException {
        try (Socket nl = Socket.open(Family.ROUTE, SocketType.DGRAM, Protocol.NETLINK_SOCK_DIAG);
                Arena arena = Arena.ofConfined()) {
            nl.setTimeout(REPLY_TIMEOUT);
            nl.sendto(request.asByteBuffer(), new SockAddr.Netlink(0, 0));
            MemorySegment buffer = arena.allocate(RECEIVE_BUFFER, 8);
            List<T> sockets = new ArrayList<>();
            for (int datagrams = 0; datagrams < MAX_DATAGRAMS; datagrams++) {
                Socket.Received r = nl.recvfrom(buffer.asByteBuffer());
                if (!(r.from() instanceof SockAddr.Netlink from) || from.pid() != 0) continue; // only the kernel answers
                if (readReply(buffer.asSlice(0, r.length()), seq, what, messageSize, decode, sockets)) return sockets;
            }
            throw new IOException("sock_diag " + what + ": no NLMSG_DONE after " + MAX_DATAGRAMS + " datagrams");
        }
    }

    /**
     * Counts the pending connections (SYN_RECV) among {@code sockets} that belong to {@code listener}.
     *
     * @param listener a listening socket
     * @param sockets a dump that includes SYN_RECV sockets
     * @return how many wait in its incomplete queue
     */
    public static int incompleteQueue(DiagSocket listener, List<DiagSocket> sockets) {
        int n = 0;
        for (DiagSocket s : sockets) if (s.isPendingFor(listener)) n++;
        return n;
    }

    /** The INET_DIAG_REQ_BYTECODE attribute for "sport == P or dport == P": its header and five ops. */
    static final int PORT_FILTER_SIZE = RtAttr.SIZE + 5 * InetDiagBcOp.SIZE;

    /**
     * A dump request: nlmsghdr, then inet_diag_req_v2 with a zero (match-all) socket id, then, for a
     * port other than -1, the filter. Returns the request's length.
     */
    static int writeRequest(MemorySegment m, int seq, int family, int protocol, int states, int port) {
        m.fill((byte) 0);
        int len = NlMsgHdr.SIZE + InetDiagReqV2.SIZE + (port == NO_PORT ? 0 : PORT_FILTER_SIZE);
        NlMsgHdr.nlmsg_len(m, len);
        NlMsgHdr.nlmsg_type(m, SOCK_DIAG_BY_FAMILY);
        NlMsgHdr.nlmsg_flags(m, NLM_F_REQUEST | NLM_F_DUMP);
        NlMsgHdr.nlmsg_seq(m, seq);
        MemorySegment req = m.asSlice(NlMsgHdr.SIZE, InetDiagReqV2.SIZE);
        InetDiagReqV2.sdiag_family(req, family);
        InetDiagReqV2.sdiag_protocol(req, protocol);
        InetDiagReqV2.idiag_states(req, states);
        if (port != NO_PORT) writePortFilter(m.asSlice(NlMsgHdr.SIZE + InetDiagReqV2.SIZE, PORT_FILTER_SIZE), port);
        return len;
    }

    /**
     * The program, 20 bytes, for "sport = :P or dport = :P", the "or" joined by a JMP as iproute2's
     * ss joins it (ss itself compares with S_COND/D_COND; S_EQ/D_EQ are the plain port tests). A true condition
     * goes on to the next op ({@code yes} = its length), a false one jumps {@code no} bytes; ending
     * exactly at the end accepts, four bytes past it rejects. JMP always takes {@code no}.
     * <pre>
     *  0  S_EQ yes 8 no 12   sport == P? on to the JMP : to the D_EQ
     *  4  (port P in no)
     *  8  JMP  yes 4 no 12   to the end: accept
     * 12  D_EQ yes 8 no 12   dport == P? to the end: accept : past the end: reject
     * 16  (port P in no)
     * </pre>
     */
    static void writePortFilter(MemorySegment a, int port) {
        int program = 5 * InetDiagBcOp.SIZE;
        RtAttr.rta_len(a, RtAttr.SIZE + program);
        RtAttr.rta_type(a, SockDiagStructs.INET_DIAG_REQ_BYTECODE);
        MemorySegment ops = a.asSlice(RtAttr.SIZE);
        op(ops, 0, SockDiagStructs.INET_DIAG_BC_S_EQ, 8, 12);
        op(ops, 4, 0, 0, port);
        op(ops, 8, SockDiagStructs.INET_DIAG_BC_JMP, 4, 12);
        op(ops, 12, SockDiagStructs.INET_DIAG_BC_D_EQ, 8, 12);
        op(ops, 16, 0, 0, port);
    }

    private static void op(MemorySegment ops, int offset, int code, int yes, int no) {
        MemorySegment o = ops.asSlice(offset, InetDiagBcOp.SIZE);
        InetDiagBcOp.code(o, code);
        InetDiagBcOp.yes(o, yes);
        InetDiagBcOp.no(o, no);
    }

    /**
     * Reads the messages of one datagram into {@code out}; true when the dump is over (NLMSG_DONE).
     * NLMSG_ERROR with a non-zero error, or a negative NLMSG_DONE payload, becomes an ErrnoException.
     */
    static <T> boolean readReply(MemorySegment datagram, int seq, String what, int messageSize,
            Function<MemorySegment, T> decode, List<T> out) throws IOException {
        long off = 0;
        while (off + NlMsgHdr.SIZE <= datagram.byteSize()) {
            MemorySegment h = datagram.asSlice(off);
            int len = NlMsgHdr.nlmsg_len(h);
            if (len < NlMsgHdr.SIZE || off + len > datagram.byteSize()) {
                throw IoStatus.exception("recvfrom", Errno.EBADMSG.number(), what, "netlink message of length " + len);
            }
            MemorySegment payload = datagram.asSlice(off + NlMsgHdr.SIZE, len - NlMsgHdr.SIZE);
            off += SockDiagStructs.nlmsgAlign(len);
            if (NlMsgHdr.nlmsg_seq(h) != seq) continue; // a late answer to an earlier request
            int type = NlMsgHdr.nlmsg_type(h);
            if (type == NLMSG_DONE) {
                int status = payload.byteSize() >= 4 ? payload.get(JAVA_INT, 0) : 0;
                if (status < 0) throw IoStatus.exception("sock_diag", -status, what);
                return true;
            }
            if (type == NLMSG_ERROR) {
                if (payload.byteSize() < NlMsgErr.SIZE) { // found by SockDiagFuzzTest: read past the message
                    throw IoStatus.exception("recvfrom", Errno.EBADMSG.number(), what, "netlink error of length " + len);
                }
                int error = NlMsgErr.error(payload);
                if (error == 0) continue; // an acknowledgement
                throw IoStatus.exception("sock_diag", -error, what);
            }
            if (type == SOCK_DIAG_BY_FAMILY && payload.byteSize() >= messageSize) {
                try {
                    out.add(decode.apply(payload));
                } catch (BadMessage e) {
                    throw IoStatus.exception("recvfrom", Errno.EBADMSG.number(), what, e.getMessage());
                }
            }
        }
        return false;
    }

    /** A message a decoder cannot make sense of: {@link #readReply} makes it EBADMSG. */
    static final class BadMessage extends RuntimeException {
        BadMessage(String what) {
            super(what, null, false, false);
        }
    }

    /** The replies of an inet_diag request, as the dump reads them (for tests of the reader). */
    static boolean readReply(MemorySegment datagram, int seq, String what, List<DiagSocket> out) throws IOException {
        return readReply(datagram, seq, what, InetDiagMsg.SIZE, SockDiag::decode, out);
    }

    /** One {@code inet_diag_msg} as a {@link DiagSocket}. */
    static DiagSocket decode(MemorySegment m) {
        MemorySegment id = InetDiagMsg.id(m);
        int af = InetDiagMsg.idiag_family(m);
        Family family = Family.ofAf(af);
        // asked for INET or INET6 only: anything else is a reply this reader does not understand
        if (family != Family.INET && family != Family.INET6) throw new BadMessage("inet_diag_msg of family " + af);
        SockAddr local = address(family, InetDiagSockId.idiag_src(id), InetDiagSockId.idiag_sport(id));
        SockAddr peer = address(family, InetDiagSockId.idiag_dst(id), InetDiagSockId.idiag_dport(id));
        return new DiagSocket(family, TcpState.of(InetDiagMsg.idiag_state(m)), local, peer,
                InetDiagMsg.idiag_rqueue(m), InetDiagMsg.idiag_wqueue(m), InetDiagMsg.idiag_timer(m),
                InetDiagMsg.idiag_retrans(m), InetDiagMsg.idiag_expires(m), InetDiagMsg.idiag_uid(m),
                InetDiagMsg.idiag_inode(m), InetDiagSockId.idiag_if(id), InetDiagSockId.idiag_cookie(id),
                v6only(m));
    }

    /** The INET_DIAG_SKV6ONLY attribute after the message (sent for every IPv6 socket); false when absent. */
    static boolean v6only(MemorySegment m) {
        MemorySegment v = attribute(m, InetDiagMsg.SIZE, SockDiagStructs.INET_DIAG_SKV6ONLY);
        return v != null && v.byteSize() > 0 && v.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) != 0;
    }

    /**
     * The value of the first attribute of {@code type} among the rtattrs from {@code start} to the end
     * of {@code m}; null when there is none (or the list is malformed before it).
     */
    static MemorySegment attribute(MemorySegment m, long start, int type) {
        long off = start;
        while (off + RtAttr.SIZE <= m.byteSize()) {
            MemorySegment a = m.asSlice(off);
            int len = RtAttr.rta_len(a);
            if (len < RtAttr.SIZE || off + len > m.byteSize()) return null; // malformed: stop reading
            if (RtAttr.rta_type(a) == type) return a.asSlice(RtAttr.SIZE, len - RtAttr.SIZE);
            off += SockDiagStructs.nlmsgAlign(len);
        }
        return null;
    }

    private static SockAddr address(Family family, byte[] a16, int port) {
        try {
            if (family == Family.INET) {
                return new SockAddr.Inet4((Inet4Address) InetAddress.getByAddress(Arrays.copyOf(a16, 4)), port);
            }
            return new SockAddr.Inet6(Inet6Address.getByAddress(null, a16, -1), port, 0, 0);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 and 16 bytes are always addresses
        }
    }
}
