package io.jsock.socket;

import io.jsock.socket.internal.Sockaddrs.SockaddrUn;
import java.lang.foreign.MemorySegment;
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
 * {@code getpeername} take or give. One record per address family the text uses.
 */
public sealed interface SockAddr permits SockAddr.Inet4, SockAddr.Inet6, SockAddr.Local, SockAddr.Netlink {

    /** The forms {@link #parse} accepts, for error messages. */
    String FORMS = "IPv4:PORT (127.0.0.1:9877, *:9877), [IPv6]:PORT ([::1]:9877, [fe80::1%eth0]:80), "
            + "a Unix socket path (/tmp/s, ./s) or an abstract name (@name)";

    /** The address family ({@code sa_family}). */
    Family family();

    /** The port; 0 for families without ports. */
    default int port() {
        return 0;
    }

    /** This address with another port (IPv4 and IPv6 only). */
    default SockAddr withPort(int port) {
        throw new UnsupportedOperationException(family() + " addresses have no port");
    }

    /** The {@code java.net} form: an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}. */
    SocketAddress toJava();

    /** An IPv4 socket address ({@code struct sockaddr_in}). */
    record Inet4(Inet4Address address, int port) implements SockAddr {
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

    /** An IPv6 socket address ({@code struct sockaddr_in6}); {@code scopeId} 0 is none. */
    record Inet6(Inet6Address address, int port, int flowInfo, int scopeId) implements SockAddr {
        public Inet6 {
            checkPort(port);
        }

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

        /** The address as RFC 5952 text ({@code ::1}, {@code ::ffff:10.0.0.1}), without brackets, scope or port. */
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
     */
    record Local(String name, boolean isAbstract) implements SockAddr {
        public Local {
            int max = isAbstract ? SockaddrUn.PATH_MAX - 1 : SockaddrUn.PATH_MAX - 1;
            if (name.getBytes(StandardCharsets.UTF_8).length > max) {
                throw new IllegalArgumentException("a Unix socket name is at most " + max + " bytes: " + name);
            }
        }

        public static Local path(String path) {
            return new Local(path, false);
        }

        public static Local abstractName(String name) {
            return new Local(name, true);
        }

        /** True for an unbound socket's address. */
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

    /** A netlink address ({@code struct sockaddr_nl}): the port id (0 is the kernel) and multicast groups. */
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

    // ---- factories

    /** INADDR_ANY with a port: the IPv4 wildcard of UNP 4.4. */
    static Inet4 anyInet4(int port) {
        return new Inet4(inet4(new byte[4]), port);
    }

    /** in6addr_any with a port: the IPv6 wildcard. */
    static Inet6 anyInet6(int port) {
        return new Inet6(inet6(new byte[16]), port, 0, 0);
    }

    /** 127.0.0.1 with a port. */
    static Inet4 loopback4(int port) {
        return new Inet4(inet4(new byte[] {127, 0, 0, 1}), port);
    }

    /** ::1 with a port. */
    static Inet6 loopback6(int port) {
        byte[] b = new byte[16];
        b[15] = 1;
        return new Inet6(inet6(b), port, 0, 0);
    }

    /** The address for an {@link InetAddress} and port. */
    static SockAddr of(InetAddress address, int port) {
        if (address instanceof Inet4Address a) return new Inet4(a, port);
        Inet6Address a6 = (Inet6Address) address;
        return new Inet6(inet6(a6.getAddress()), port, 0, a6.getScopeId());
    }

    /** From {@code java.net}: an {@link InetSocketAddress} (resolved) or a {@link UnixDomainSocketAddress}. */
    static SockAddr of(SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            if (isa.isUnresolved()) throw new IllegalArgumentException("unresolved address: " + isa);
            return of(isa.getAddress(), isa.getPort());
        }
        if (address instanceof UnixDomainSocketAddress u) return Local.path(u.getPath().toString());
        throw new IllegalArgumentException("not an internet or Unix domain address: " + address);
    }

    /** A Unix domain address for a path. */
    static Local of(Path path) {
        return Local.path(path.toString());
    }

    /**
     * Parses an address literal without resolving names: {@code 127.0.0.1:80}, {@code *:80}
     * (INADDR_ANY), {@code [::1]:80}, {@code [fe80::1%eth0]:80}, {@code /tmp/s}, {@code ./s},
     * {@code @name}. Bad text: an {@link IllegalArgumentException} naming the accepted forms.
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
        int colon = text.lastIndexOf(':');
        if (colon < 0) throw bad(text, "no port");
        if (text.indexOf(':') != colon) throw bad(text, "write an IPv6 address in brackets: [ADDR]:PORT");
        String host = text.substring(0, colon);
        int port = parsePort(text, text.substring(colon + 1));
        if (host.equals("*") || host.isEmpty()) return anyInet4(port);
        byte[] b = IpLiterals.parse4(host);
        if (b == null) throw bad(text, "'" + host + "' is not an IPv4 address");
        return new Inet4(inet4(b), port);
    }

    /**
     * Resolves {@code HOST:PORT}, where HOST may be a name: every address the resolver gives, in its
     * order (as tcpclient tries them). Literals are returned as they are, without a look-up.
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
            int port = parsePort(hostPort, hostPort.substring(colon + 1));
            List<SockAddr> all = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(host)) all.add(of(a, port));
            return all;
        }
    }

    private static int parsePort(String text, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 0 && p <= 65535) return p;
        } catch (NumberFormatException e) {
            // fall through to the message
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
