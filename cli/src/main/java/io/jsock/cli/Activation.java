package io.jsock.cli;

import io.jsock.socket.Errno;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import io.jsock.socket.activation.ListenFds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sockets {@code jsock serve} was handed instead of binding its own: systemd's (LISTEN_FDS, taken
 * whenever LISTEN_PID is this process) and, with {@code --inetd}, inetd's at descriptor 0.
 */
final class Activation {
    /** The name of inetd's socket at descriptor 0, in the "listening on" line. */
    static final String INETD = "inetd";

    private Activation() {}

    /**
     * systemd's sockets, then inetd's when asked for.
     *
     * @throws IllegalArgumentException naming the descriptor, if one is not a socket jsock can serve
     */
    static List<ListenFds.Inherited> take(boolean inetd) throws IOException {
        List<ListenFds.Inherited> all = new ArrayList<>(ListenFds.take());
        if (inetd) {
            boolean success = false;
            try {
                all.add(stdin());
                success = true;
            } finally {
                if (!success) closeAll(all);
            }
        }
        return all;
    }

    /** inetd's socket at descriptor 0: a connection (nowait), a listener or a datagram socket (wait). */
    private static ListenFds.Inherited stdin() throws IOException {
        Socket s;
        try {
            s = Socket.adopt(0);
        } catch (IOException e) {
            if (!(e instanceof SyscallFailure f)) throw e;
            throw new IllegalArgumentException("--inetd: fd 0 (standard input) is not a socket: " + f.call().syscall() + ": "
                    + Errno.describe(f.errnoNumber()) + "; --inetd runs under inetd, xinetd or systemd-socket-activate --inetd");
        }
        boolean listening = s.type() != SocketType.DGRAM && s.getOption(SockOpt.SO_ACCEPTCONN);
        return new ListenFds.Inherited(INETD, s, listening);
    }

    /** Whether a stream or seqpacket socket that does not listen is a connection (Accept=yes, inetd's nowait) rather than only bound. */
    static boolean connected(Socket s) throws IOException {
        try {
            s.getpeername();
            return true;
        } catch (IOException e) {
            if (e instanceof SyscallFailure f && f.errno() == Errno.ENOTCONN) return false;
            throw e;
        }
    }

    static void closeAll(List<ListenFds.Inherited> sockets) {
        for (ListenFds.Inherited s : sockets) s.socket().close();
    }
}
