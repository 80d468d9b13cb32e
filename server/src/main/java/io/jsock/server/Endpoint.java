package io.jsock.server;

import io.jsock.socket.Family;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SocketType;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a server listens: a socket type and an address, as an operator writes it for {@code --bind}
 * (systemd's {@code ListenStream=}, {@code ListenDatagram=} and {@code ListenSequentialPacket=} in one
 * string).
 *
 * <p>Forms: {@code HOST:PORT} (TCP), {@code [IPv6]:PORT}, a Unix socket path ({@code /run/x.sock},
 * {@code ./x.sock}) or abstract name ({@code @name}), each optionally behind a prefix that names the
 * type: {@code tcp:} and {@code udp:} (IP addresses only), {@code stream:}, {@code dgram:} and {@code
 * seqpacket:} (any address). The wildcard is written out: {@code 0.0.0.0:PORT}, {@code *:PORT} or
 * {@code [::]:PORT}; a bare {@code :PORT} is refused.
 *
 * @param type    STREAM, DGRAM or SEQPACKET
 * @param address the address to bind
 */
public record Endpoint(SocketType type, SockAddr address) {

    /** The forms {@link #parse} accepts, for messages and {@code --help}. */
    public static final String FORMS = "HOST:PORT (TCP: 127.0.0.1:9877, 0.0.0.0:9877, [::]:9877), udp:HOST:PORT, "
            + "a Unix socket path (/run/x.sock, ./x.sock) or @abstract-name (stream), seqpacket:PATH, dgram:PATH";

    /**
     * An endpoint.
     *
     * @throws IllegalArgumentException if the type is not STREAM, DGRAM or SEQPACKET, or is SEQPACKET
     *     on an IP address (Linux has no SOCK_SEQPACKET for TCP or UDP)
     * @throws NullPointerException if either is null
     */
    public Endpoint {
        Objects.requireNonNull(type);
        Objects.requireNonNull(address);
        if (type != SocketType.STREAM && type != SocketType.DGRAM && type != SocketType.SEQPACKET) {
            throw new IllegalArgumentException("a server listens on stream, datagram or seqpacket sockets, not " + type);
        }
        if (type == SocketType.SEQPACKET && address.family() != Family.LOCAL) {
            throw new IllegalArgumentException("seqpacket needs a Unix socket path or @name, not " + address);
        }
    }

    /**
     * A TCP endpoint, or a Unix stream one.
     *
     * @param address the address
     * @return the stream endpoint
     */
    public static Endpoint stream(SockAddr address) {
        return new Endpoint(SocketType.STREAM, address);
    }

    /**
     * Parses {@code --bind}'s text.
     *
     * @param text one of {@link #FORMS}
     * @return the endpoint
     * @throws IllegalArgumentException naming the accepted forms, for anything else
     */
    public static Endpoint parse(String text) {
        Objects.requireNonNull(text);
        int colon = text.indexOf(':');
        String prefix = colon > 0 ? text.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        String rest = text.substring(colon + 1);
        return switch (prefix) {
            case "tcp" -> new Endpoint(SocketType.STREAM, ip(text, rest, "tcp"));
            case "udp" -> new Endpoint(SocketType.DGRAM, ip(text, rest, "udp"));
            case "stream" -> new Endpoint(SocketType.STREAM, address(text, rest));
            case "dgram" -> new Endpoint(SocketType.DGRAM, address(text, rest));
            case "seqpacket" -> {
                SockAddr a = address(text, rest);
                if (a.family() != Family.LOCAL) throw bad(text, "seqpacket: takes a Unix socket path or @name");
                yield new Endpoint(SocketType.SEQPACKET, a);
            }
            default -> new Endpoint(SocketType.STREAM, address(text, text));
        };
    }

    private static SockAddr ip(String text, String rest, String prefix) {
        SockAddr a = address(text, rest);
        if (a.family() == Family.LOCAL) {
            throw bad(text, prefix + ": takes an IP address and port; a Unix socket is a path"
                    + (prefix.equals("udp") ? " behind dgram: (dgram:" + rest + ")" : ""));
        }
        return a;
    }

    private static SockAddr address(String text, String literal) {
        if (literal.startsWith(":") && literal.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')) { // :PORT alone
            throw bad(text, "say which interfaces: 0.0.0.0" + literal + " or *" + literal + " (every IPv4 one), [::]"
                    + literal + " (IPv6), 127.0.0.1" + literal + " (loopback)");
        }
        try {
            return SockAddr.parse(literal);
        } catch (IllegalArgumentException e) {
            // SockAddr says "bad address 'LITERAL' (WHY); expected FORMS": keep WHY, found after the literal
            // (which may itself hold "(" or "); expected "), and say the forms of an endpoint instead.
            String m = e.getMessage();
            String head = "bad address '" + literal + "' (";
            int cut = m.startsWith(head) ? m.lastIndexOf("); expected ") : -1;
            throw bad(text, cut < head.length() ? m : m.substring(head.length(), cut));
        }
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad address '" + text + "' (" + why + "); expected " + FORMS);
    }

    /** {@return {@code udp:127.0.0.1:7}, {@code seqpacket:/run/x.sock}, {@code 127.0.0.1:7}: the form {@link #parse} takes back} */
    @Override
    public String toString() {
        boolean ip = address.family() != Family.LOCAL;
        return switch (type) {
            case DGRAM -> (ip ? "udp:" : "dgram:") + address;
            case SEQPACKET -> "seqpacket:" + address;
            default -> address.toString();
        };
    }
}
