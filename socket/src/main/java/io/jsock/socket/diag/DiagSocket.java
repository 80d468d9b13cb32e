package io.jsock.socket.diag;

import io.jsock.socket.Family;
import io.jsock.socket.SockAddr;
import io.jsock.socket.TcpState;

/**
 * One socket as the kernel's socket-diagnostics interface reports it ({@code struct inet_diag_msg},
 * sock_diag(7)). The fields follow the C names without their {@code idiag_} prefix.
 *
 * @param family  INET or INET6 (an IPv6 socket may carry IPv4-mapped addresses)
 * @param state   the TCP state; a pending connection of a listener (a request socket in the
 *                incomplete queue) is reported as {@link TcpState#SYN_RECV}
 * @param local   the local address and port ({@code idiag_src}, {@code idiag_sport})
 * @param peer    the peer address and port; the wildcard with port 0 for a listener
 * @param rqueue  for a listener: the completed-queue length; otherwise bytes received and not yet read
 * @param wqueue  for a listener: the backlog given to listen(2); otherwise bytes sent and not yet acknowledged
 * @param timer   {@code idiag_timer}: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe
 * @param retrans {@code idiag_retrans}: retransmissions (for a request socket: SYN-ACKs resent)
 * @param expires {@code idiag_expires}: milliseconds until the timer fires
 * @param uid     the owner's user id
 * @param inode   the socket's inode (0 for request and TIME_WAIT sockets, which have none)
 * @param ifindex {@code idiag_if}: the interface the socket is bound to, 0 for none
 * @param cookie  {@code idiag_cookie}: the kernel's unique id for the socket
 * @param v6only  the INET_DIAG_SKV6ONLY attribute: an IPv6 socket that takes no IPv4 (IPV6_V6ONLY)
 */
public record DiagSocket(Family family, TcpState state, SockAddr local, SockAddr peer, long rqueue, long wqueue,
        int timer, int retrans, long expires, long uid, long inode, int ifindex, long cookie, boolean v6only) {

    /** {@return whether this is a listening socket} */
    public boolean isListener() {
        return state == TcpState.LISTEN;
    }

    /**
     * Whether this is a pending connection (SYN_RECV) for {@code listener}: same local port, and
     * the listener's local address is this one's or its family's wildcard (an IPv6 wildcard also
     * takes IPv4, unless it is {@linkplain #v6only IPV6_V6ONLY}).
     *
     * @param listener a socket of the same dump
     * @return true when this socket waits in {@code listener}'s incomplete queue
     */
    public boolean isPendingFor(DiagSocket listener) {
        if (state != TcpState.SYN_RECV || !listener.isListener()) return false;
        if (local.port() != listener.local.port()) return false;
        if (isWildcard(listener.local)) {
            return listener.family == family || (listener.family == Family.INET6 && !listener.v6only);
        }
        return sameAddress(listener.local, local);
    }

    /** {@return whether this is a dual-stack IPv6 wildcard listener (ss writes its address {@code *})} */
    public boolean isDualStackWildcard() {
        return family == Family.INET6 && !v6only && isWildcard(local);
    }

    private static boolean isWildcard(SockAddr a) {
        return switch (a) {
            case SockAddr.Inet4 v4 -> v4.address().isAnyLocalAddress();
            case SockAddr.Inet6 v6 -> v6.address().isAnyLocalAddress();
            default -> false;
        };
    }

    private static boolean sameAddress(SockAddr a, SockAddr b) {
        return java.util.Arrays.equals(bytes(a), bytes(b));
    }

    /** The address as 4 bytes, with an IPv4-mapped IPv6 address reduced to its IPv4 part. */
    private static byte[] bytes(SockAddr a) {
        byte[] b = switch (a) {
            case SockAddr.Inet4 v4 -> v4.address().getAddress();
            case SockAddr.Inet6 v6 -> v6.address().getAddress();
            default -> new byte[0];
        };
        if (b.length == 16 && isMapped(b)) return java.util.Arrays.copyOfRange(b, 12, 16);
        return b;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
