package io.jsock.socket;

import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket address: what {@code bind}, {@code connect}, {@code accept}, {@code getsockname} and
 * {@code getpeername} take or give. One record per address family the text uses. Addresses are
 * values: immutable, compared by their fields. No factory takes or returns {@code null}.
 */
public sealed interface SockAddr permits SockAddr.Inet4, SockAddr.Inet6, SockAddr.Local, SockAddr.Netlink, SockAddr.Link {

    /** The forms {@link #parse} accepts, for error messages. */
    String FORMS = "IPv4:PORT (127.0.0.1:9877, *:9877), [IPv6]:PORT ([::1]:9877, [fe80::1%eth0]:80), "
            + "a Unix socket path (/tmp/s, ./s) or an abstract name (@name)";

    /** {@return the address family ({@code sa_family})} */
    Family family();

    /** {@return the port; 0 for families without ports} */
    default int port() {
        return 0;
    }

    /**
     * This address with another port.
     *
     * @param port the port, 0 to 65535
     * @return the address with {@code port}
     * @throws UnsupportedOperationException for a family without ports (Unix, netlink)
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    default SockAddr withPort(int port) {
        throw new UnsupportedOperationException(family() + " addresses have no port");
    }

    /**
     * The {@code java.net} form.
     *
     * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
     * @throws UnsupportedOperationException for an address {@code java.net} cannot express (an abstract Unix
     *         name, netlink)
     */
    SocketAddress toJava();

    /**
     * An IPv4 socket address ({@code struct sockaddr_in}).
     *
     * @param address the IPv4 address, not {@code null}
     * @param port the port, 0 to 65535
     */
    record Inet4(Inet4Address address, int port) implements SockAddr {
        /**
         * Checks the port.
         *
         * @throws IllegalArgumentException if {@code port} is out of range
         */
        public Inet4 {
            checkPort(port);
        }

        @Override
        public Family family() {
            return Family.INET;
        }

        @Override
        public Inet4 withPort(int port) {
            return new Inet4(address, port);
        }

        @Override
        public InetSocketAddress toJava() {
            return new InetSocketAddress(address, port);
        }

        @Override
        public String toString() {
            return address.getHostAddress() + ":" + port;
        }
    }

    /**
     * An IPv6 socket address ({@code struct sockaddr_in6}).
     *
     * @param address the IPv6 address, not {@code null}
     * @param port the port, 0 to 65535
     * @param flowInfo {@code sin6_flowinfo}, usually 0
     * @param scopeId the interface index of a link-local address; 0 is none
     */
    record Inet6(Inet6Address address, int port, int flowInfo, int scopeId) implements SockAddr {
        /**
         * Checks the port.
         *
         * @throws IllegalArgumentException if {@code port} is out of range
         */
        public Inet6 {
            checkPort(port);
        }

        /**
         * An address with no flow information and the address's own scope.
         *
         * @param address the IPv6 address, not {@code null}
         * @param port the port, 0 to 65535
         * @throws IllegalArgumentException if {@code port} is out of range
         */
        public Inet6(Inet6Address address, int port) {
            this(address, port, 0, address.getScopeId());
        }

        @Override
        public Family family() {
            return Family.INET6;
        }

        @Override
        public Inet6 withPort(int port) {
            return new Inet6(address, port, flowInfo, scopeId);
        }

        @Override
        public InetSocketAddress toJava() {
            try {
                return new InetSocketAddress(
                        Inet6Address.getByAddress(null, address.getAddress(), scopeId), port);
            } catch (UnknownHostException e) {
                throw new AssertionError(e); // 16 bytes are always an IPv6 address
            }
        }

        /**
         * {@return the address as RFC 5952 text ({@code ::1}, {@code ::ffff:10.0.0.1}), without brackets, scope or port}
         */
        public String host() {
            return IpLiterals.format6(address.getAddress());
        }

        @Override
        public String toString() {
            return "[" + host() + (scopeId != 0 ? "%" + scopeId : "") + "]:" + port;
        }
    }

    /**
     * A Unix domain address ({@code struct sockaddr_un}): a filesystem path, an abstract name (Linux;
     * written {@code @name}), or unnamed (an unbound socket; {@code name} is empty).
     *
     * @param name the path or abstract name, not {@code null}; empty for an unnamed socket
     * @param isAbstract true for an abstract name (no file; Linux only)
     */
    record Local(String name, boolean isAbstract) implements SockAddr {
        /**
         * The longest name, in UTF-8 bytes: {@code sun_path} holds 108, and a path needs its NUL after
         * it, an abstract name its NUL before it (unix(7)).
         */
        public static final int MAX_NAME_BYTES = 107;

        /**
         * Checks the length.
         *
         * @throws IllegalArgumentException if {@code name} is longer than {@code sun_path} holds (107 bytes)
         */
        public Local {
            if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw new IllegalArgumentException("a Unix socket name is at most " + MAX_NAME_BYTES + " bytes: " + name);
            }
        }

        /**
         * A filesystem path.
         *
         * @param path the path, at most 107 bytes of UTF-8
         * @return the address
         * @throws IllegalArgumentException if {@code path} is too long
         */
        public static Local path(String path) {
            return new Local(path, false);
        }

        /**
         * An abstract name: Linux's namespace of Unix addresses without files.
         *
         * @param name the name, without the leading {@code @} (the NUL byte of {@code sun_path})
         * @return the address
         * @throws IllegalArgumentException if {@code name} is too long
         */
        public static Local abstractName(String name) {
            return new Local(name, true);
        }

        /** {@return true for an unbound socket's address} */
        public boolean isUnnamed() {
            return !isAbstract && name.isEmpty();
        }

        @Override
        public Family family() {
            return Family.LOCAL;
        }

        @Override
        public SocketAddress toJava() {
            if (isAbstract) throw new UnsupportedOperationException("java.net has no form for abstract name @" + name);
            return UnixDomainSocketAddress.of(name);
        }

        @Override
        public String toString() {
            return isAbstract ? "@" + name : name.isEmpty() ? "(unnamed)" : name;
        }
    }

    /**
     * A netlink address ({@code struct sockaddr_nl}).
     *
     * @param pid the port id; 0 is the kernel
     * @param groups the multicast groups, a bit mask
     */
    record Netlink(int pid, int groups) implements SockAddr {
        @Override
        public Family family() {
            return Family.ROUTE;
        }

        @Override
        public SocketAddress toJava() {
            throw new UnsupportedOperationException("java.net has no netlink addresses");
        }

        @Override
        public String toString() {
            return "netlink:" + Integer.toUnsignedString(pid) + (groups != 0 ? "/groups=" + Integer.toHexString(groups) : "");
        }
    }

    /**
     * A link-layer address ({@code struct sockaddr_ll}, packet(7)): what a packet socket binds to (an
     * interface and a protocol) and what {@code recvfrom} tells of each frame (which interface, which way
     * it went, the link's header type and sender).
     *
     * @param protocol the EtherType in host order, e.g. {@link #ETH_P_ALL} (every protocol) or
     *        {@link #ETH_P_IP}; 0 receives nothing
     * @param ifindex the interface index; 0 is every interface
     * @param hatype the link's ARP hardware type ({@code ARPHRD_*}), e.g. {@link #ARPHRD_LOOPBACK}; 0 when binding
     * @param packetType which way the frame went ({@code PACKET_*}), e.g. {@link #PACKET_OUTGOING}; 0 when binding
     * @param address the sender's hardware address as colon-separated hex ({@code 00:00:00:00:00:00}); empty when none
     */
    record Link(int protocol, int ifindex, int hatype, int packetType, String address) implements SockAddr {
        /** ETH_P_ALL: every protocol, in and out. */
        public static final int ETH_P_ALL = 0x0003;
        /** ETH_P_IP: IPv4. */
        public static final int ETH_P_IP = 0x0800;
        /** ETH_P_IPV6: IPv6. */
        public static final int ETH_P_IPV6 = 0x86DD;
        /** PACKET_HOST: a frame for this host. */
        public static final int PACKET_HOST = 0;
        /** PACKET_OUTGOING: a frame this host sent (on loopback it comes back as PACKET_HOST too). */
        public static final int PACKET_OUTGOING = 4;
        /** ARPHRD_LOOPBACK: the loopback interface's hardware type. */
        public static final int ARPHRD_LOOPBACK = 772;

        /**
         * Checks the ranges.
         *
         * @throws IllegalArgumentException if {@code protocol} is not 16 bits, or {@code address} is null
         */
        public Link {
            if (protocol < 0 || protocol > 0xFFFF) throw new IllegalArgumentException("an EtherType is 16 bits: " + protocol);
            if (address == null) throw new IllegalArgumentException("address is null; empty is none");
        }

        /**
         * The address a packet socket binds to: one interface and one protocol.
         *
         * @param protocol the EtherType, e.g. {@link #ETH_P_ALL}
         * @param ifindex the interface index, e.g. from {@link #interfaceIndex}
         * @return the address
         */
        public static Link of(int protocol, int ifindex) {
            return new Link(protocol, ifindex, 0, 0, "");
        }

        /**
         * if_nametoindex(3): the index of the interface called {@code name}, in the calling thread's
         * network namespace.
         *
         * @param name an interface name, e.g. {@code lo}
         * @return its index, at least 1
         * @throws IOException as an {@link ErrnoException} (ENODEV: no such interface here)
         */
        public static int interfaceIndex(String name) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                int index = Libc.if_nametoindex(arena.allocateFrom(name));
                if (index == 0) throw IoStatus.exception("if_nametoindex", Libc.errno(), name);
                return index;
            }
        }

        @Override
        public Family family() {
            return Family.PACKET;
        }

        @Override
        public SocketAddress toJava() {
            throw new UnsupportedOperationException("java.net has no link-layer addresses");
        }

        @Override
        public String toString() {
            return "link:if" + ifindex + "/0x" + String.format("%04x", protocol)
                    + (packetType != 0 ? "/type=" + packetType : "") + (address.isEmpty() ? "" : "/" + address);
        }
    }

    // ---- factories

    /**
     * INADDR_ANY with a port: the IPv4 wildcard of UNP 4.4.
     *
     * @param port the port, 0 for one the kernel chooses
     * @return {@code 0.0.0.0:port}
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    static Inet4 anyInet4(int port) {
        return new Inet4(inet4(new byte[4]), port);
    }

    /**
     * in6addr_any with a port: the IPv6 wildcard.
     *
     * @param port the port, 0 for one the kernel chooses
     * @return {@code [::]:port}
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    static Inet6 anyInet6(int port) {
        return new Inet6(inet6(new byte[16]), port, 0, 0);
    }

    /**
     * 127.0.0.1 with a port.
     *
     * @param port the port
     * @return {@code 127.0.0.1:port}
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    static Inet4 loopback4(int port) {
        return new Inet4(inet4(new byte[] {127, 0, 0, 1}), port);
    }

    /**
     * ::1 with a port.
     *
     * @param port the port
     * @return {@code [::1]:port}
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    static Inet6 loopback6(int port) {
        byte[] b = new byte[16];
        b[15] = 1;
        return new Inet6(inet6(b), port, 0, 0);
    }

    /**
     * The address for an {@link InetAddress} and port.
     *
     * @param address an IPv4 or IPv6 address
     * @param port the port
     * @return an {@link Inet4} or an {@link Inet6} (with the address's scope)
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    static SockAddr of(InetAddress address, int port) {
        if (address instanceof Inet4Address a) return new Inet4(a, port);
        Inet6Address a6 = (Inet6Address) address;
        return new Inet6(inet6(a6.getAddress()), port, 0, a6.getScopeId());
    }

    /**
     * From {@code java.net}.
     *
     * @param address an {@link InetSocketAddress} (resolved) or a {@link UnixDomainSocketAddress}
     * @return the same address
     * @throws IllegalArgumentException if {@code address} is unresolved or of another kind
     */
    static SockAddr of(SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            if (isa.isUnresolved()) throw new IllegalArgumentException("unresolved address: " + isa);
            return of(isa.getAddress(), isa.getPort());
        }
        if (address instanceof UnixDomainSocketAddress u) return Local.path(u.getPath().toString());
        throw new IllegalArgumentException("not an internet or Unix domain address: " + address);
    }

    /**
     * A Unix domain address for a path.
     *
     * @param path the path
     * @return the address
     * @throws IllegalArgumentException if the path is too long
     */
    static Local of(Path path) {
        return Local.path(path.toString());
    }

    /**
     * Parses an address literal without resolving names: {@code 127.0.0.1:80}, {@code *:80}
     * (INADDR_ANY), {@code [::1]:80}, {@code [fe80::1%eth0]:80}, {@code /tmp/s}, {@code ./s},
     * {@code @name}.
     *
     * @param text the literal; {@code null} is refused like empty text
     * @return the address
     * @throws IllegalArgumentException for bad text, naming the accepted forms ({@link #FORMS})
     */
    static SockAddr parse(String text) {
        if (text == null || text.isEmpty()) throw bad(text, "empty");
        if (text.startsWith("@")) return Local.abstractName(text.substring(1));
        if (text.startsWith("/") || text.startsWith("./") || text.startsWith("../")) return Local.path(text);
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) throw bad(text, "an IPv6 address needs a port: [ADDR]:PORT");
            String host = text.substring(1, close);
            int port = parsePort(text, text.substring(close + 2));
            int scope = 0;
            int pct = host.indexOf('%');
            if (pct >= 0) {
                scope = scopeId(text, host.substring(pct + 1));
                host = host.substring(0, pct);
            }
            byte[] b = IpLiterals.parse6(host);
            if (b == null) throw bad(text, "'" + host + "' is not an IPv6 address");
            return new Inet6(inet6(b), port, 0, scope);
        }
        if (text.indexOf(',') >= 0) throw bad(text, "one address, not a list");
        int colon = text.lastIndexOf(':');
        if (colon < 0) throw bad(text, "no port");
        String host = text.substring(0, colon);
        if (text.indexOf(':') != colon) {
            if (IpLiterals.parse6(host) != null) {
                throw bad(text, "write an IPv6 address in brackets: [" + host + "]" + text.substring(colon));
            }
            throw bad(text, "'" + host + "' is neither an IPv4 address nor an IPv6 one in brackets");
        }
        int port = parsePort(text, text.substring(colon + 1));
        if (host.equals("*") || host.isEmpty()) return anyInet4(port);
        byte[] b = IpLiterals.parse4(host);
        if (b == null) throw bad(text, "'" + host + "' is not an IPv4 address");
        return new Inet4(inet4(b), port);
    }

    /**
     * Resolves {@code HOST:PORT}, where HOST may be a name: every address the resolver gives, in its
     * order (as tcpclient tries them). Literals are returned as they are, without a look-up.
     *
     * @param hostPort a literal (as {@link #parse} takes) or {@code NAME:PORT}
     * @return one or more addresses, never empty
     * @throws UnknownHostException if the name does not resolve
     * @throws IllegalArgumentException if the text is neither a literal nor {@code NAME:PORT}
     */
    static List<SockAddr> resolve(String hostPort) throws UnknownHostException {
        try {
            return List.of(parse(hostPort));
        } catch (IllegalArgumentException literalFailed) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || hostPort.startsWith("[") || hostPort.startsWith("/") || hostPort.startsWith("@")) {
                throw literalFailed;
            }
            String host = hostPort.substring(0, colon);
            if (host.indexOf(':') >= 0) throw literalFailed;
            // Digits and dots are an IPv4 literal, a bad one (999.1.1.1), never a name to look up.
            if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) throw literalFailed;
            int port = parsePort(hostPort, hostPort.substring(colon + 1));
            List<SockAddr> all = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(host)) all.add(of(a, port));
            return all;
        }
    }

    private static int parsePort(String text, String port) {
        // ASCII digits only: Integer.parseInt also takes other scripts' digits ("٣" would be port 3)
        if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int p = Integer.parseInt(port);
            if (p <= 65535) return p;
        }
        throw bad(text, "the port must be a number from 0 to 65535");
    }

    private static int scopeId(String text, String scope) {
        try {
            return Integer.parseInt(scope);
        } catch (NumberFormatException notNumeric) {
            try {
                NetworkInterface ni = NetworkInterface.getByName(scope);
                if (ni != null) return ni.getIndex();
            } catch (SocketException e) {
                // fall through to the message
            }
            throw bad(text, "no network interface named '" + scope + "'");
        }
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range 0-65535: " + port);
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad address '" + text + "' (" + why + "); expected " + FORMS);
    }

    private static Inet4Address inet4(byte[] b) {
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Inet6Address inet6(byte[] b) {
        try {
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
