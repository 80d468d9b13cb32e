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
}
