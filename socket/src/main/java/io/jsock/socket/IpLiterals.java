package io.jsock.socket;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** IP address literals to bytes, never asking a resolver. */
final class IpLiterals {
    private IpLiterals() {}

    /** The 4 bytes of a dotted-quad IPv4 literal, or {@code null}. */
    static byte[] parse4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) return null;
            int v = Integer.parseInt(p);
            if (v > 255) return null;
            b[i] = (byte) v;
        }
        return b;
    }

    /** The 16 bytes of an IPv6 literal (IPv4-mapped forms included), or {@code null}. */
    static byte[] parse6(String text) {
        if (text.indexOf(':') < 0) return null;
        try {
            InetAddress a = Inet6Address.ofLiteral(text);
            if (a instanceof Inet4Address v4) { // ::ffff:a.b.c.d comes back as IPv4
                byte[] b = new byte[16];
                b[10] = (byte) 0xff;
                b[11] = (byte) 0xff;
                System.arraycopy(v4.getAddress(), 0, b, 12, 4);
                return b;
            }
            return a.getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The RFC 5952 text of an IPv6 address: lower-case hex, leading zeros dropped, the longest run
     * (of two or more) zero groups as {@code ::} (the first when tied), and IPv4-mapped addresses as
     * {@code ::ffff:a.b.c.d}. {@code ::1}, not the JDK's {@code 0:0:0:0:0:0:0:1}.
     */
    static String format6(byte[] b) {
        boolean mapped = true;
        for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
        mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        if (mapped) return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1;
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
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
