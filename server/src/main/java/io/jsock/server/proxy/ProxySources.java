package io.jsock.server.proxy;

import io.jsock.socket.SockAddr;
import java.net.InetAddress;
import java.util.List;

/**
 * The sources trusted to send a PROXY header ({@code --proxy-from CIDR}, repeatable): IPv4 and IPv6
 * prefixes. A connection over a Unix socket is always trusted: the socket file's permissions say who
 * may connect. An IPv4-mapped IPv6 peer ({@code ::ffff:10.0.0.1}) matches the IPv4 prefixes.
 *
 * @param prefixes the prefixes; empty: every source is trusted
 */
public record ProxySources(List<Prefix> prefixes) {
    /**
     * The trusted prefixes.
     *
     * @param prefixes copied
     */
    public ProxySources {
        prefixes = List.copyOf(prefixes);
    }

    /** Every source is trusted (no {@code --proxy-from}). */
    public static final ProxySources ANY = new ProxySources(List.of());

    /**
     * Parses each {@code ADDR/BITS} (or a bare address: all its bits).
     *
     * @param cidrs e.g. {@code 127.0.0.0/8}, {@code ::1/128}, {@code 10.213.0.7}
     * @return the sources
     * @throws IllegalArgumentException for text that is not a prefix, saying what is accepted
     */
    public static ProxySources parse(List<String> cidrs) {
        return new ProxySources(cidrs.stream().map(Prefix::parse).toList());
    }

    /**
     * Whether {@code peer} may send a header.
     *
     * @param peer the connection's real peer
     * @return true if no prefix was given, the peer is a Unix socket's, or a prefix holds it
     */
    public boolean trusts(SockAddr peer) {
        if (prefixes.isEmpty() || peer instanceof SockAddr.Local) return true;
        byte[] a = switch (peer) {
            case SockAddr.Inet4 v4 -> v4.address().getAddress();
            case SockAddr.Inet6 v6 -> unmapped(v6.address().getAddress());
            default -> null;
        };
        if (a == null) return false;
        for (Prefix p : prefixes) if (p.holds(a)) return true;
        return false;
    }

    private static byte[] unmapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return b;
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) return b;
        return new byte[] {b[12], b[13], b[14], b[15]};
    }

    /**
     * One prefix.
     *
     * @param address its address bytes (4 or 16)
     * @param bits    how many leading bits must match
     */
    public record Prefix(byte[] address, int bits) {
        static Prefix parse(String text) {
            String usage = "--proxy-from " + text + ": not a prefix; write ADDR/BITS, e.g. 127.0.0.1/32, 10.0.0.0/8 or ::1/128";
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            SockAddr a;
            try {
                a = SockAddr.parse(host.indexOf(':') >= 0 ? "[" + host + "]:0" : host + ":0");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(usage);
            }
            InetAddress ia = switch (a) {
                case SockAddr.Inet4 v4 -> v4.address();
                case SockAddr.Inet6 v6 -> v6.address();
                default -> throw new IllegalArgumentException(usage);
            };
            byte[] b = ia.getAddress();
            int bits = b.length * 8;
            if (slash >= 0) {
                String n = text.substring(slash + 1);
                if (n.isEmpty() || n.length() > 3 || !n.chars().allMatch(Character::isDigit) || Integer.parseInt(n) > bits) {
                    throw new IllegalArgumentException(usage);
                }
                bits = Integer.parseInt(n);
            }
            return new Prefix(b, bits);
        }

        /** {@return the prefix as {@code --proxy-from} takes it: {@code 127.0.0.0/8}, {@code ::1/128}} */
        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(address).getHostAddress() + "/" + bits;
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("a prefix of " + address.length + " bytes", e); // parse() makes 4 or 16
            }
        }

        boolean holds(byte[] a) {
            if (a.length != address.length) return false;
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((a[i / 8] & mask) != (address[i / 8] & mask)) return false;
            }
            return true;
        }
    }
}
