package io.jsock.cli;

import io.jsock.socket.DiagSocket;
import io.jsock.socket.SockAddr;

/** Socket addresses written the way iproute2's {@code ss -n} writes them (inet_ntop, RFC 5952). */
public final class InetText {
    private InetText() {}

    /**
     * {@code 127.0.0.1:80}, {@code [::1]:80}, {@code [::ffff:10.0.0.1]:80}; a peer's port 0 is
     * {@code *}; a dual-stack IPv6 wildcard listener's address is {@code *} (it takes IPv4 too).
     */
    public static String of(DiagSocket d, SockAddr a, boolean peer) {
        String port = peer && a.port() == 0 ? "*" : Integer.toString(a.port());
        if (d.isDualStackWildcard()) return "*:" + port;
        return host(a) + ":" + port;
    }

    /** {@code 127.0.0.1:80}, {@code [::1]:80}: any socket address, IPv6 compressed. */
    public static String of(SockAddr a) {
        return a instanceof SockAddr.Inet4 || a instanceof SockAddr.Inet6 ? host(a) + ":" + a.port() : a.toString();
    }

    /** The host part: dotted quad, or an IPv6 address in brackets. */
    public static String host(SockAddr a) {
        return switch (a) {
            case SockAddr.Inet4 v4 -> v4.address().getHostAddress();
            case SockAddr.Inet6 v6 -> "[" + ip6(v6.address().getAddress()) + "]";
            default -> a.toString();
        };
    }

    /** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as {@code ::}, IPv4-mapped as {@code ::ffff:a.b.c.d}. */
    public static String ip6(byte[] b) {
        if (isMapped(b)) return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
