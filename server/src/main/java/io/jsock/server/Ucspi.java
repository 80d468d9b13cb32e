package io.jsock.server;

import io.jsock.socket.SockAddr;
import io.jsock.socket.process.ChildProcess;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of a program run per connection: UCSPI's variables (as {@code tcpserver} sets
 * them) and systemd's (as an {@code Accept=yes} socket unit sets them), on top of what the server
 * process's children inherit ({@link ChildProcess#inheritedEnvironment()}).
 *
 * <table>
 * <caption>The variables</caption>
 * <tr><th>variable</th><th>TCP</th><th>Unix</th></tr>
 * <tr><td>PROTO</td><td>{@code TCP}</td><td>{@code UNIX}</td></tr>
 * <tr><td>TCPLOCALIP, TCPLOCALPORT</td><td>the server's address and port</td><td>-</td></tr>
 * <tr><td>TCPREMOTEIP, TCPREMOTEPORT</td><td>the client's address and port</td><td>-</td></tr>
 * <tr><td>REMOTE_ADDR, REMOTE_PORT</td><td>the client's address and port (systemd's names)</td><td>-</td></tr>
 * </table>
 *
 * <p>Addresses are written without brackets or a scope: {@code 127.0.0.1}, {@code ::1}.
 */
public final class Ucspi {
    private Ucspi() {}

    /**
     * The environment for a connection's program.
     *
     * @param local the server's end (getsockname), or null if unknown
     * @param remote the client's end (getpeername), or null if unknown
     * @return a new modifiable map
     */
    public static Map<String, String> environment(SockAddr local, SockAddr remote) {
        Map<String, String> env = ChildProcess.inheritedEnvironment(); // without systemd's variables for the server alone
        env.putAll(variables(local, remote));
        return env;
    }

    /**
     * UCSPI's and systemd's variables alone, for a connection's program whose other variables are
     * set once for all connections ({@link ChildProcess.Builder#setenv}).
     *
     * @param local the server's end (getsockname), or null if unknown
     * @param remote the client's end (getpeername), or null if unknown
     * @return a new modifiable map, in a fixed order
     */
    public static Map<String, String> variables(SockAddr local, SockAddr remote) {
        Map<String, String> env = new LinkedHashMap<>();
        if (remote instanceof SockAddr.Inet4 || remote instanceof SockAddr.Inet6) {
            env.put("PROTO", "TCP");
            if (local != null) {
                env.put("TCPLOCALIP", ip(local));
                env.put("TCPLOCALPORT", Integer.toString(local.port()));
            }
            env.put("TCPREMOTEIP", ip(remote));
            env.put("TCPREMOTEPORT", Integer.toString(remote.port()));
            env.put("REMOTE_ADDR", ip(remote));
            env.put("REMOTE_PORT", Integer.toString(remote.port()));
        } else if (remote instanceof SockAddr.Local) {
            env.put("PROTO", "UNIX");
        }
        return env;
    }

    /**
     * The address without its port, as UCSPI's variables write it (no IPv6 scope).
     *
     * @param a an IPv4 or IPv6 address (others: their text)
     * @return {@code 127.0.0.1}, {@code ::1}
     */
    public static String ip(SockAddr a) {
        return switch (a) {
            case SockAddr.Inet4 v4 -> v4.address().getHostAddress();
            case SockAddr.Inet6 v6 -> {
                String h = v6.address().getHostAddress();
                int pct = h.indexOf('%');
                yield pct < 0 ? h : h.substring(0, pct);
            }
            default -> a.toString();
        };
    }
}
