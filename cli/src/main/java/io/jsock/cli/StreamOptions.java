package io.jsock.cli;

import io.jsock.socket.Family;
import io.jsock.socket.Linger;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import java.io.IOException;

/**
 * The socket options {@code connect} sets on a stream socket, before connect(2) (or on the accepted
 * socket with -l): TCP's only where the socket is TCP, SO_LINGER on any.
 *
 * @param synRetries TCP_SYNCNT, or null for the kernel's
 * @param nodelay TCP_NODELAY
 * @param linger SO_LINGER's seconds, or null to leave it off
 */
record StreamOptions(Integer synRetries, boolean nodelay, Integer linger) {
    /** Sets the options on {@code s}, a socket of {@code family}. */
    void apply(Socket s, Family family) throws IOException {
        boolean tcp = family != Family.LOCAL;
        if (synRetries != null && tcp) s.setOption(SockOpt.TCP_SYNCNT, synRetries);
        if (nodelay && tcp) s.setOption(SockOpt.TCP_NODELAY, true);
        if (linger != null) s.setOption(SockOpt.SO_LINGER, Linger.on(linger));
    }
}
