package io.jsock.server;

import io.jsock.socket.SockAddr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A block of IP addresses in CIDR notation, {@code 10.213.0.0/16} or {@code 2001:db8::/32}; a bare
 * address is the block of that address alone ({@code /32}, {@code /128}). IPv4 peers that arrive on
 * an IPv6 socket as IPv4-mapped addresses ({@code ::ffff:10.0.0.1}) are matched as IPv4.
 *
 * @param address the first address of the block (host bits are cleared), 4 or 16 bytes
 * @param prefix  the prefix length: 0..32 for IPv4, 0..128 for IPv6
 */
public record Cidr(byte[] address, int prefix) {

    /** What {@link #parse} accepts, for messages. */
    public static final String FORMS = "an address or ADDRESS/PREFIX: 10.0.0.0/8 (prefix 0..32), 2001:db8::/32 (prefix 0..128), 127.0.0.2";

    /**
     * A block; host bits of {@code address} are cleared.
     *
     * @param address 4 or 16 bytes, copied
     * @param prefix  0..32 for IPv4, 0..128 for IPv6
     * @throws IllegalArgumentException for another length, or a prefix out of range
     */
    public Cidr {
        if (address.length != 4 && address.length != 16) throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
        int bits = address.length * 8;
        if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("prefix " + prefix + " out of range: " + (bits == 32 ? "IPv4" : "IPv6") + " takes 0.." + bits);
        address = mask(address.clone(), prefix);
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code 127.0.0.2}, {@code ::1/128}, {@code [2001:db8::]/32}. Only
     * numeric addresses: no name is looked up.
     *
     * @param text the block
     * @return the block
     * @throws IllegalArgumentException naming what is wrong and what is accepted ({@code 10.0.0.0/33}:
     *     the prefix of IPv4 is 0..32)
     */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        byte[] bytes = numeric(host);
        if (bytes == null) throw new IllegalArgumentException("bad address block '" + text + "'; expected " + FORMS);
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            try {
                prefix = p.matches("\\d{1,3}") ? Integer.parseInt(p) : -1;
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("bad prefix in '" + text + "': " + (bits == 32 ? "IPv4" : "IPv6")
                        + " takes a prefix 0.." + bits);
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** The bytes of a numeric IPv4 or IPv6 address, or null when it is not one (never a DNS lookup). */
    private static byte[] numeric(String host) {
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = !v4 && host.indexOf(':') >= 0 && host.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) return null;
        try {
            byte[] b = InetAddress.getByName(host).getAddress(); // numeric forms only: no lookup happens
            if (v4) {
                for (String part : host.split("\\.")) {
                    if (Integer.parseInt(part) > 255) return null;
                }
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Whether the block holds {@code peer}'s address.
     *
     * @param peer an address; a Unix peer is in no block
     * @return true if the address is in the block
     */
    public boolean contains(SockAddr peer) {
        byte[] a = bytes(peer);
        if (a == null || a.length != address.length) return false;
        return Arrays.equals(mask(a, prefix), address);
    }

    /**
     * The address bytes of an IP peer, an IPv4-mapped IPv6 address as its 4 IPv4 bytes.
     *
     * @param peer any address
     * @return 4 or 16 bytes; null for a Unix or netlink address
     */
    static byte[] bytes(SockAddr peer) {
        InetAddress ip = switch (peer) {
            case SockAddr.Inet4 v4 -> v4.address();
            case SockAddr.Inet6 v6 -> v6.address();
            case null, default -> null;
        };
        if (ip == null) return null;
        byte[] b = ip.getAddress();
        if (ip instanceof Inet6Address && isMapped(b)) return Arrays.copyOfRange(b, 12, 16);
        if (ip instanceof Inet4Address || b.length == 16) return b;
        return null;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) return false;
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** Clears the bits after the first {@code prefix}, in place. */
    static byte[] mask(byte[] a, int prefix) {
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            a[i] = (byte) (a[i] & (0xff00 >> keep));
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + prefix;
    }

    /** {@return the block as {@link #parse} reads it: {@code 10.0.0.0/8}, {@code 2001:db8::/32}} */
    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: never
        }
    }

    /**
     * The first address of the block.
     *
     * @return a copy of its bytes (4 or 16)
     */
    @Override
    public byte[] address() {
        return address.clone();
    }
}
