package io.jsock.socket.diag;

import io.jsock.socket.SockAddr;
import io.jsock.socket.SocketType;
import io.jsock.socket.TcpState;
import io.jsock.socket.diag.UnixDiagStructs.UnixDiagMsg;
import io.jsock.socket.diag.UnixDiagStructs.UnixDiagRqlen;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Reads one {@code unix_diag_msg} and its attributes into a {@link UnixDiagSocket}. */
final class UnixDiag {
    private UnixDiag() {}

    static UnixDiagSocket decode(MemorySegment m) {
        MemorySegment peer = SockDiag.attribute(m, UnixDiagMsg.SIZE, UnixDiagStructs.UNIX_DIAG_PEER);
        MemorySegment rqlen = SockDiag.attribute(m, UnixDiagMsg.SIZE, UnixDiagStructs.UNIX_DIAG_RQLEN);
        boolean queues = rqlen != null && rqlen.byteSize() >= UnixDiagRqlen.SIZE;
        return new UnixDiagSocket(SocketType.of(UnixDiagMsg.udiag_type(m)), TcpState.of(UnixDiagMsg.udiag_state(m)),
                name(SockDiag.attribute(m, UnixDiagMsg.SIZE, UnixDiagStructs.UNIX_DIAG_NAME)),
                UnixDiagMsg.udiag_ino(m),
                peer != null && peer.byteSize() >= 4 ? Integer.toUnsignedLong(peer.get(ValueLayout.JAVA_INT, 0)) : 0,
                queues ? UnixDiagRqlen.udiag_rqueue(rqlen) : 0, queues ? UnixDiagRqlen.udiag_wqueue(rqlen) : 0,
                UnixDiagMsg.udiag_cookie(m));
    }

    /**
     * UNIX_DIAG_NAME's value is {@code sun_path} as bound, without a terminating NUL: a path, or a
     * NUL then an abstract name; absent for an unnamed socket.
     */
    static SockAddr.Local name(MemorySegment v) {
        if (v == null || v.byteSize() == 0) return SockAddr.Local.path("");
        byte[] b = v.toArray(ValueLayout.JAVA_BYTE);
        if (b[0] == 0) return SockAddr.Local.abstractName(new String(b, 1, b.length - 1, StandardCharsets.UTF_8));
        int end = 0;
        while (end < b.length && b[end] != 0) end++; // a path bound with its NUL counted
        return SockAddr.Local.path(new String(b, 0, end, StandardCharsets.UTF_8));
    }
}
