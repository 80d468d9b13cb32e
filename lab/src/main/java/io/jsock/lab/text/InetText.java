package io.jsock.lab.text;

import io.jsock.socket.diag.DiagSocket;
import io.jsock.socket.SockAddr;

/** Socket addresses written the way iproute2's {@code ss -n} writes them (inet_ntop, RFC 5952). */
public final class InetText {
    private InetText() {}

    /**
     * {@code 127.0.0.1:80}, {@code [::1]:80}, {@code [::ffff:10.0.0.1]:80}; a peer's port 0 is
     * {@code *}; a dual-stack IPv6 wildcard listener's address is {@code *} (it takes IPv4 too).
     *
     * @param d    the socket {@code a} belongs to (for its dual-stack flag); never null
     * @param a    its local or peer address; never null
     * @param peer whether {@code a} is the peer's address
     * @return the address as {@code ss -n} writes it
     */
    public static String of(DiagSocket d, SockAddr a, boolean peer) {
        String port = peer && a.port() == 0 ? "*" : Integer.toString(a.port());
        if (d.isDualStackWildcard()) return "*:" + port;
        return host(a) + ":" + port;
    }

    /**
     * Any socket address, IPv6 compressed: {@code 127.0.0.1:80}, {@code [::1]:80}; other families
     * as their {@code toString}.
     *
     * @param a the address; never null
     * @return the address as text
     */
    public static String of(SockAddr a) {
        return a instanceof SockAddr.Inet4 || a instanceof SockAddr.Inet6 ? host(a) + ":" + a.port() : a.toString();
    }

    /**
     * The host part of an address.
     *
     * @param a the address; never null
     * @return a dotted quad, an IPv6 address in brackets (RFC 5952), or for other families their {@code toString}
     */
    public static String host(SockAddr a) {
        return switch (a) {
            case SockAddr.Inet4 v4 -> v4.address().getHostAddress();
            case SockAddr.Inet6 v6 -> "[" + v6.host() + "]";
            default -> a.toString();
        };
    }
}
