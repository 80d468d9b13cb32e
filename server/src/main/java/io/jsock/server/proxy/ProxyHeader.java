package io.jsock.server.proxy;

import io.jsock.socket.SockAddr;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * One decoded PROXY protocol header.
 *
 * @param version     1 (text) or 2 (binary)
 * @param local       true for a v2 LOCAL command (the proxy's own connection, e.g. a health check) and
 *                    for v1 UNKNOWN: the connection's real endpoints stand
 * @param source      the client's address, or null when {@code local} or the family is UNSPEC
 * @param destination the address the client connected to, or null as {@code source}
 * @param tlvs        v2's type-length-value extensions, in order (empty for v1)
 * @param length      the header's length in bytes: the connection's own data starts after it
 */
public record ProxyHeader(int version, boolean local, SockAddr source, SockAddr destination, List<Tlv> tlvs, int length) {
    /**
     * A header as decoded.
     *
     * @param version     1 or 2
     * @param local       whether the real endpoints stand
     * @param source      the client, or null
     * @param destination the address it connected to, or null
     * @param tlvs        the extensions, copied
     * @param length      its length in bytes
     */
    public ProxyHeader {
        tlvs = List.copyOf(tlvs);
    }

    /** {@return whether the header names a client: not LOCAL, not UNKNOWN, not UNSPEC} */
    public boolean hasAddresses() {
        return !local && source != null;
    }

    /**
     * The first TLV of a type.
     *
     * @param type e.g. {@link Tlv#AUTHORITY}
     * @return its value, if the header has one
     */
    public Optional<byte[]> tlv(int type) {
        for (Tlv t : tlvs) if (t.type() == type) return Optional.of(t.value());
        return Optional.empty();
    }

    /** {@return PP2_TYPE_AUTHORITY (the host name the client asked for, e.g. TLS SNI), if present} */
    public Optional<String> authority() {
        return tlv(Tlv.AUTHORITY).map(v -> new String(v, StandardCharsets.UTF_8));
    }

    /** {@return PP2_TYPE_ALPN (the application protocol negotiated, e.g. h2), if present} */
    public Optional<String> alpn() {
        return tlv(Tlv.ALPN).map(v -> new String(v, StandardCharsets.US_ASCII));
    }

    /**
     * A v2 extension.
     *
     * @param type  its type byte (0 to 255)
     * @param value its value
     */
    public record Tlv(int type, byte[] value) {
        /** PP2_TYPE_ALPN. */
        public static final int ALPN = 0x01;
        /** PP2_TYPE_AUTHORITY. */
        public static final int AUTHORITY = 0x02;
        /** PP2_TYPE_CRC32C: a CRC32C of the whole header, verified when present. */
        public static final int CRC32C = 0x03;
        /** PP2_TYPE_NOOP: padding. */
        public static final int NOOP = 0x04;
        /** PP2_TYPE_UNIQUE_ID: an opaque id of the connection, at most 128 bytes. */
        public static final int UNIQUE_ID = 0x05;
        /** PP2_TYPE_SSL: TLS details (client flags, verify, sub-TLVs). */
        public static final int SSL = 0x20;
        /** PP2_TYPE_NETNS: the network namespace's name. */
        public static final int NETNS = 0x30;

        /**
         * An extension.
         *
         * @param type  0 to 255
         * @param value its bytes, copied
         */
        public Tlv {
            if (type < 0 || type > 255) throw new IllegalArgumentException("TLV type " + type + ": 0 to 255");
            value = value.clone();
        }

        /** {@return a copy of the value's bytes} */
        @Override
        public byte[] value() {
            return value.clone();
        }
    }
}
