package io.jsock.server.proxy;

import io.jsock.server.proxy.ProxyHeader.Tlv;
import io.jsock.socket.SockAddr;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The PROXY protocol's two formats (HAProxy's proxy-protocol.txt), decoded and encoded; pure code.
 *
 * <p>{@link #decode} takes the bytes received so far and says one of three things: a header (and its
 * length: the connection's own data starts after it), "not yet" ({@code null}: every byte so far can
 * still be the start of a header; read more), or a {@link ProxyProtocolException} saying what is
 * wrong. It never reads past the header's end, so the caller knows exactly which bytes are the
 * header's. Never auto-detected: a listener with the protocol on takes nothing but a header first.
 *
 * <pre>
 * v1  "PROXY TCP4 192.0.2.1 198.51.100.2 51000 80\r\n"  (or TCP6, or "PROXY UNKNOWN...\r\n"), at most 107 bytes
 * v2  \r\n\r\n\0\r\nQUIT\n | ver_cmd | fam | len (2, big-endian) | addresses | TLVs (type, len (2), value)...
 *          12 bytes          0x21=v2 PROXY, 0x20=v2 LOCAL    fam: 0x11 TCP4, 0x21 TCP6, 0x31 UNIX stream
 * </pre>
 */
public final class ProxyHeaders {
    private ProxyHeaders() {}

    /** v2's 12-byte signature. */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    /** The longest v1 header, CRLF included (the spec's 107). */
    public static final int V1_MAX_LENGTH = 107;
    /** The longest v2 header jsock takes (16 fixed bytes, the addresses and TLVs). */
    public static final int V2_MAX_LENGTH = 4096;
    /** The most bytes {@link #decode} may need to see. */
    public static final int MAX_LENGTH = V2_MAX_LENGTH;

    private static final int LOCAL = 0, PROXY = 1;
    private static final int AF_UNSPEC = 0, AF_INET = 1, AF_INET6 = 2, AF_UNIX = 3;
    private static final int[] ADDRESS_LENGTH = {0, 12, 36, 216};
    private static final String[] FAMILY = {"UNSPEC", "INET", "INET6", "UNIX"};

    // ---- decoding

    /**
     * Decodes the header at the start of {@code b[0, len)}.
     *
     * @param b   the bytes received so far
     * @param len how many of them
     * @return the header, or {@code null} when more bytes are needed (all {@code len} are the header's)
     * @throws ProxyProtocolException when the bytes are not a valid header
     */
    public static ProxyHeader decode(byte[] b, int len) throws ProxyProtocolException {
        if (len <= 0) return null;
        if (b[0] == 'P') return decodeV1(b, len);
        if (b[0] == 0x0D) return decodeV2(b, len);
        throw new ProxyProtocolException("not a PROXY protocol header: it starts with byte 0x" + hex(b[0])
                + " (v1 starts with 'PROXY ', v2 with \\r\\n\\r\\n\\0\\r\\nQUIT\\n)");
    }

    private static ProxyHeader decodeV1(byte[] b, int len) throws ProxyProtocolException {
        for (int i = 0; i < Math.min(len, V1_PREFIX.length); i++) {
            if (b[i] != V1_PREFIX[i]) throw new ProxyProtocolException("PROXY v1: the header does not start with 'PROXY '");
        }
        int end = -1;
        for (int i = 0; i < Math.min(len, V1_MAX_LENGTH); i++) {
            if (b[i] == '\n') {
                if (i == 0 || b[i - 1] != '\r') throw new ProxyProtocolException("PROXY v1: the line ends in LF without CR");
                end = i + 1;
                break;
            }
            if (b[i] == '\r' && i + 1 < len && b[i + 1] != '\n') throw new ProxyProtocolException("PROXY v1: CR not followed by LF");
            if (b[i] != '\r' && (b[i] < 0x20 || b[i] > 0x7e)) {
                throw new ProxyProtocolException("PROXY v1: byte 0x" + hex(b[i]) + " in the line (printable ASCII only)");
            }
        }
        if (end < 0) {
            if (len >= V1_MAX_LENGTH) throw new ProxyProtocolException("PROXY v1: no CRLF within " + V1_MAX_LENGTH + " bytes (too long)");
            return null;
        }
        String line = new String(b, V1_PREFIX.length, end - 2 - V1_PREFIX.length, StandardCharsets.US_ASCII);
        String[] f = line.split(" ", -1);
        switch (f[0]) {
            case "UNKNOWN" -> {
                return new ProxyHeader(1, true, null, null, List.of(), end); // the rest of the line is ignored
            }
            case "TCP4", "TCP6" -> {
                if (f.length < 5) throw new ProxyProtocolException("PROXY v1: " + f[0] + " needs 4 fields after it (source, destination, their ports); found " + (f.length - 1));
                if (f.length > 5) throw new ProxyProtocolException("PROXY v1: " + f[0] + " takes 4 fields after it; found " + (f.length - 1));
                boolean v6 = f[0].equals("TCP6");
                SockAddr src = v1Address(f[1], port(f[3]), v6);
                SockAddr dst = v1Address(f[2], port(f[4]), v6);
                return new ProxyHeader(1, false, src, dst, List.of(), end);
            }
            default -> throw new ProxyProtocolException("PROXY v1: protocol '" + f[0] + "' is not TCP4, TCP6 or UNKNOWN");
        }
    }

    private static int port(String s) throws ProxyProtocolException {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProxyProtocolException("PROXY v1: port '" + s + "' is not a decimal number 0 to 65535");
        }
        int p = Integer.parseInt(s);
        if (p > 65535) throw new ProxyProtocolException("PROXY v1: port " + p + " is not 0 to 65535");
        return p;
    }

    private static SockAddr v1Address(String host, int port, boolean v6) throws ProxyProtocolException {
        String what = v6 ? "an IPv6" : "an IPv4";
        if (host.isEmpty() || host.equals("*") || host.indexOf('%') >= 0 || host.indexOf('[') >= 0) {
            throw new ProxyProtocolException("PROXY v1: '" + host + "' is not " + what + " address");
        }
        SockAddr a;
        try {
            a = SockAddr.parse(v6 ? "[" + host + "]:" + port : host + ":" + port);
        } catch (IllegalArgumentException e) {
            throw new ProxyProtocolException("PROXY v1: '" + host + "' is not " + what + " address");
        }
        if (v6 != (a instanceof SockAddr.Inet6)) throw new ProxyProtocolException("PROXY v1: '" + host + "' is not " + what + " address");
        return a;
    }

    private static ProxyHeader decodeV2(byte[] b, int len) throws ProxyProtocolException {
        for (int i = 0; i < Math.min(len, V2_SIGNATURE.length); i++) {
            if (b[i] != V2_SIGNATURE[i]) throw new ProxyProtocolException("PROXY v2: the signature is wrong at byte " + i);
        }
        if (len < 16) return null;
        int version = (b[12] & 0xff) >> 4, command = b[12] & 0x0f;
        if (version != 2) throw new ProxyProtocolException("PROXY v2: version " + version + " (only 2 is defined)");
        if (command != LOCAL && command != PROXY) {
            throw new ProxyProtocolException("PROXY v2: command " + command + " is neither LOCAL (0) nor PROXY (1)");
        }
        int family = (b[13] & 0xff) >> 4, transport = b[13] & 0x0f;
        if (family > AF_UNIX) throw new ProxyProtocolException("PROXY v2: address family " + family + " is not UNSPEC, INET, INET6 or UNIX (0 to 3)");
        if (transport > 2) throw new ProxyProtocolException("PROXY v2: transport " + transport + " is not UNSPEC, STREAM or DGRAM (0 to 2)");
        int length = u16(b, 14);
        int total = 16 + length;
        if (total > V2_MAX_LENGTH) {
            throw new ProxyProtocolException("PROXY v2: length " + length + " is over the " + (V2_MAX_LENGTH - 16) + " bytes taken (too long)");
        }
        if (len < total) return null;
        int addressLength = ADDRESS_LENGTH[family];
        if (length < addressLength) {
            throw new ProxyProtocolException("PROXY v2: length " + length + " is shorter than the " + FAMILY[family]
                    + " addresses (" + addressLength + " bytes)");
        }
        List<Tlv> tlvs = tlvs(b, 16 + addressLength, total);
        if (command == LOCAL || family == AF_UNSPEC) return new ProxyHeader(2, true, null, null, tlvs, total);
        SockAddr src, dst;
        switch (family) {
            case AF_INET -> {
                src = SockAddr.of(inet(b, 16, 4), u16(b, 24));
                dst = SockAddr.of(inet(b, 20, 4), u16(b, 26));
            }
            case AF_INET6 -> {
                src = SockAddr.of(inet(b, 16, 16), u16(b, 48));
                dst = SockAddr.of(inet(b, 32, 16), u16(b, 50));
            }
            default -> {
                src = unix(b, 16);
                dst = unix(b, 16 + 108);
            }
        }
        return new ProxyHeader(2, false, src, dst, tlvs, total);
    }

    /** The TLVs in {@code b[from, to)}; a CRC32C among them is checked over {@code b[0, to)}. */
    private static List<Tlv> tlvs(byte[] b, int from, int to) throws ProxyProtocolException {
        List<Tlv> tlvs = new ArrayList<>();
        int i = from;
        while (i < to) {
            if (to - i < 3) throw new ProxyProtocolException("PROXY v2: " + (to - i) + " byte(s) left after the TLVs, too few for one (3)");
            int type = b[i] & 0xff, length = u16(b, i + 1);
            if (i + 3 + length > to) {
                throw new ProxyProtocolException("PROXY v2: TLV 0x" + hex(b[i]) + " of " + length + " bytes runs past the header's end");
            }
            byte[] value = Arrays.copyOfRange(b, i + 3, i + 3 + length);
            if (type == Tlv.CRC32C) checkCrc(b, to, i + 3, value);
            if (type == Tlv.UNIQUE_ID && length > 128) throw new ProxyProtocolException("PROXY v2: UNIQUE_ID of " + length + " bytes (at most 128)");
            tlvs.add(new Tlv(type, value));
            i += 3 + length;
        }
        return tlvs;
    }

    private static void checkCrc(byte[] b, int total, int at, byte[] value) throws ProxyProtocolException {
        if (value.length != 4) throw new ProxyProtocolException("PROXY v2: CRC32C TLV of " + value.length + " bytes (it is 4)");
        byte[] zeroed = Arrays.copyOf(b, total);
        Arrays.fill(zeroed, at, at + 4, (byte) 0);
        long want = crc32c(zeroed);
        long got = (long) u16(value, 0) << 16 | u16(value, 2);
        if (want != got) {
            throw new ProxyProtocolException("PROXY v2: CRC32C mismatch: the header says " + Long.toHexString(got)
                    + ", its bytes give " + Long.toHexString(want));
        }
    }

    private static long crc32c(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b);
        return crc.getValue();
    }

    private static InetAddress inet(byte[] b, int at, int n) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + n)); // bytes: no resolver asked
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes are always an address
        }
    }

    /** A 108-byte, NUL-padded sun_path: a path, an abstract name (a leading NUL), or null when empty. */
    private static SockAddr unix(byte[] b, int at) throws ProxyProtocolException {
        boolean isAbstract = b[at] == 0;
        int start = isAbstract ? at + 1 : at, end = start;
        while (end < at + 108 && b[end] != 0) end++;
        if (end == start) return null;
        String name = new String(b, start, end - start, StandardCharsets.UTF_8);
        try {
            return isAbstract ? SockAddr.Local.abstractName(name) : SockAddr.Local.path(name);
        } catch (IllegalArgumentException e) {
            // not the sender's bytes in the message (one line, whatever they hold): what is wrong with them
            throw new ProxyProtocolException("PROXY v2: a UNIX address that is not one: " + (end - start)
                    + " bytes that are not a name of at most " + SockAddr.Local.MAX_NAME_BYTES + " bytes of UTF-8");
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static String hex(byte b) {
        return String.format("%02x", b & 0xff);
    }

    // ---- encoding

    /**
     * A v1 header: TCP4 or TCP6 when both addresses are of that family, else UNKNOWN.
     *
     * @param source      the client's address
     * @param destination the address it connected to
     * @return the header's bytes, CRLF included
     */
    public static byte[] v1(SockAddr source, SockAddr destination) {
        String line;
        if (source instanceof SockAddr.Inet4 s && destination instanceof SockAddr.Inet4 d) {
            line = "PROXY TCP4 " + s.address().getHostAddress() + " " + d.address().getHostAddress() + " " + s.port() + " " + d.port();
        } else if (source instanceof SockAddr.Inet6 s && destination instanceof SockAddr.Inet6 d) {
            line = "PROXY TCP6 " + s.host() + " " + d.host() + " " + s.port() + " " + d.port();
        } else {
            line = "PROXY UNKNOWN";
        }
        return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A v2 PROXY header (stream transport) with its TLVs and, if asked, a CRC32C TLV after them.
     *
     * @param source      the client's address: INET, INET6 or a Unix path (the family follows it)
     * @param destination the address it connected to, of the same family
     * @param tlvs        extensions to send
     * @param crc32c      whether to add a CRC32C TLV
     * @return the header's bytes
     * @throws IllegalArgumentException if the two addresses are not of one family jsock can write
     */
    public static byte[] v2(SockAddr source, SockAddr destination, List<Tlv> tlvs, boolean crc32c) {
        ByteArrayOutputStream addresses = new ByteArrayOutputStream();
        int family;
        if (source instanceof SockAddr.Inet4 s && destination instanceof SockAddr.Inet4 d) {
            family = AF_INET;
            addresses.writeBytes(s.address().getAddress());
            addresses.writeBytes(d.address().getAddress());
            addresses.writeBytes(new byte[] {(byte) (s.port() >> 8), (byte) s.port(), (byte) (d.port() >> 8), (byte) d.port()});
        } else if (source instanceof SockAddr.Inet6 s && destination instanceof SockAddr.Inet6 d) {
            family = AF_INET6;
            addresses.writeBytes(s.address().getAddress());
            addresses.writeBytes(d.address().getAddress());
            addresses.writeBytes(new byte[] {(byte) (s.port() >> 8), (byte) s.port(), (byte) (d.port() >> 8), (byte) d.port()});
        } else if (source instanceof SockAddr.Local s && destination instanceof SockAddr.Local d) {
            family = AF_UNIX;
            addresses.writeBytes(sunPath(s));
            addresses.writeBytes(sunPath(d));
        } else {
            throw new IllegalArgumentException("PROXY v2 needs two addresses of one family: " + source + ", " + destination);
        }
        return v2(PROXY, family << 4 | 1, addresses.toByteArray(), tlvs, crc32c);
    }

    /**
     * A v2 LOCAL header (the proxy's own connection, e.g. a health check): no addresses.
     *
     * @return its 16 bytes
     */
    public static byte[] v2Local() {
        return v2(LOCAL, 0, new byte[0], List.of(), false);
    }

    private static byte[] v2(int command, int family, byte[] addresses, List<Tlv> tlvs, boolean crc32c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x20 | command);
        out.write(family);
        int length = addresses.length;
        for (Tlv t : tlvs) length += 3 + t.value().length;
        if (crc32c) length += 7;
        out.write(length >> 8);
        out.write(length);
        out.writeBytes(addresses);
        for (Tlv t : tlvs) writeTlv(out, t.type(), t.value());
        if (crc32c) writeTlv(out, Tlv.CRC32C, new byte[4]);
        byte[] b = out.toByteArray();
        if (crc32c) {
            long crc = crc32c(b); // computed with the CRC field zero, then written into it
            for (int i = 0; i < 4; i++) b[b.length - 4 + i] = (byte) (crc >> (24 - 8 * i));
        }
        return b;
    }

    private static void writeTlv(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(value.length >> 8);
        out.write(value.length);
        out.writeBytes(value);
    }

    private static byte[] sunPath(SockAddr.Local a) {
        byte[] path = new byte[108];
        byte[] name = a.name().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, path, a.isAbstract() ? 1 : 0, Math.min(name.length, 107));
        return path;
    }
}
