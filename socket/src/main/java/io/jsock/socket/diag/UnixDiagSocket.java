package io.jsock.socket.diag;

import io.jsock.socket.SockAddr;
import io.jsock.socket.SocketType;
import io.jsock.socket.TcpState;

/**
 * One Unix domain socket as unix_diag reports it ({@code struct unix_diag_msg} and its attributes,
 * sock_diag(7)).
 *
 * @param type       STREAM, DGRAM or SEQPACKET ({@code udiag_type})
 * @param state      {@link TcpState#LISTEN} for a listener, {@link TcpState#ESTABLISHED} for a connected
 *                   socket (a datagram socket another one connected to is one too), {@link TcpState#CLOSE}
 *                   otherwise ({@code udiag_state})
 * @param name       the address it is bound to (UNIX_DIAG_NAME): a path, an abstract name, or
 *                   {@linkplain SockAddr.Local#isUnnamed() unnamed}; an accepted socket has its listener's
 * @param inode      the socket's inode ({@code udiag_ino}), what {@code /proc/PID/fd} links name {@code socket:[inode]}
 * @param peerInode  the connected peer's inode (UNIX_DIAG_PEER), 0 for none
 * @param rqueue     for a listener: connections waiting to be accepted; otherwise bytes queued to read (UNIX_DIAG_RQLEN)
 * @param wqueue     for a listener: the backlog; otherwise what was sent and the peer has not read, in
 *                   the kernel's buffer accounting (UNIX_DIAG_RQLEN)
 * @param cookie     {@code udiag_cookie}: the kernel's unique id for the socket
 */
public record UnixDiagSocket(SocketType type, TcpState state, SockAddr.Local name, long inode, long peerInode,
        long rqueue, long wqueue, long cookie) {

    /** {@return whether this is a listening socket} */
    public boolean isListener() {
        return state == TcpState.LISTEN;
    }
}
