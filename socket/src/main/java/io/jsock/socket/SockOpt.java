package io.jsock.socket;

import io.jsock.socket.internal.Constants;

import static io.jsock.socket.internal.Constants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.net.SocketOption;
import java.util.Objects;
import java.util.function.Function;

/**
 * A typed socket option for {@link Socket#setOption} and {@link Socket#getOption}: its level, its
 * number ({@code optname}), its name and how its C value reads and writes. It is a
 * {@link SocketOption}, named as in C ({@code "SO_REUSEADDR"}).
 *
 * <p>An option this class lacks is one {@link #of} away, with a ready-made codec for the common C
 * {@code int} ({@link Codec#INT}) or {@code int} used as a flag ({@link Codec#BOOLEAN}):
 *
 * <pre>{@code
 * SockOpt<Integer> rcvlowat = SockOpt.of(SockOpt.SOL_SOCKET, 18, "SO_RCVLOWAT", SockOpt.Codec.INT);
 * socket.setOption(rcvlowat, 512);
 * }</pre>
 *
 * @param <T> the Java type of the value
 */
public final class SockOpt<T> implements SocketOption<T> {
    /**
     * How a value travels to and from its C form: the bytes setsockopt(2) is given and
     * getsockopt(2) fills.
     *
     * @param <T> the Java type of the value
     */
    public interface Codec<T> {
        /** The C {@code int} as an {@link Integer}. */
        Codec<Integer> INT = new Codec<>() {
            public Class<Integer> type() { return Integer.class; }
            public int size() { return 4; }
            public void encode(Integer v, MemorySegment s) { s.set(JAVA_INT, 0, v); }
            public Integer decode(MemorySegment s, int len) { return s.get(JAVA_INT, 0); }
        };

        /** A C {@code int} used as a flag: {@code true} is 1, and any non-zero value reads as {@code true}. */
        Codec<Boolean> BOOLEAN = new Codec<>() {
            public Class<Boolean> type() { return Boolean.class; }
            public int size() { return 4; }
            public void encode(Boolean v, MemorySegment s) { s.set(JAVA_INT, 0, v ? 1 : 0); }
            public Boolean decode(MemorySegment s, int len) { return s.get(JAVA_INT, 0) != 0; }
        };

        /**
         * The Java type of the value, for {@link SocketOption#type()}.
         *
         * @return the class of the values this codec reads and writes
         */
        Class<T> type();

        /**
         * The size of the C value: what setsockopt(2) is given and getsockopt(2) may fill.
         *
         * @return the size in bytes
         */
        int size();

        /**
         * Writes {@code value} in its C form at the start of {@code s}.
         *
         * @param value the value, never {@code null}
         * @param s zeroed memory of at least {@link #size()} bytes, aligned to 8
         */
        void encode(T value, MemorySegment s);

        /**
         * Reads the C value getsockopt(2) wrote at the start of {@code s}.
         *
         * @param s memory of at least {@link #size()} bytes, aligned to 8
         * @param len how many bytes the kernel wrote (its {@code optlen})
         * @return the value, never {@code null}
         */
        T decode(MemorySegment s, int len);
    }

    /** The level of the socket's own options (SO_*). */
    public static final int SOL_SOCKET = Constants.SOL_SOCKET;
    /** The level of IPv4's options (IP_*). */
    public static final int IPPROTO_IP = Constants.IPPROTO_IP;
    /** The level of TCP's options (TCP_*). */
    public static final int IPPROTO_TCP = Constants.IPPROTO_TCP;
    /** The level of IPv6's options (IPV6_*). */
    public static final int IPPROTO_IPV6 = Constants.IPPROTO_IPV6;

    private static final Codec<Integer> INT = Codec.INT;
    private static final Codec<Boolean> BOOL = Codec.BOOLEAN;

    /** SO_REUSEADDR: bind a port whose old connections linger in TIME_WAIT (every server sets it, UNP 7.5). */
    public static final SockOpt<Boolean> SO_REUSEADDR = new SockOpt<>(SOL_SOCKET, Constants.SO_REUSEADDR, "SO_REUSEADDR", BOOL, true);
    /**
     * SO_REUSEPORT: several sockets of one user bind the same port; the kernel spreads connections among their listeners.
     */
    public static final SockOpt<Boolean> SO_REUSEPORT = new SockOpt<>(SOL_SOCKET, Constants.SO_REUSEPORT, "SO_REUSEPORT", BOOL, true);
    /** SO_KEEPALIVE: probe an idle connection, so that a vanished peer ends it with ETIMEDOUT. */
    public static final SockOpt<Boolean> SO_KEEPALIVE = new SockOpt<>(SOL_SOCKET, Constants.SO_KEEPALIVE, "SO_KEEPALIVE", BOOL, true);
    /** SO_LINGER: {@link Linger#OFF}, or on with a time; {@code Linger.on(0)} makes close send RST. */
    public static final SockOpt<Linger> SO_LINGER = new SockOpt<>(SOL_SOCKET, Constants.SO_LINGER, "SO_LINGER", Linger.CODEC, true);
    /** SO_RCVBUF in bytes (the kernel doubles what is set and reports the doubled value). */
    public static final SockOpt<Integer> SO_RCVBUF = new SockOpt<>(SOL_SOCKET, Constants.SO_RCVBUF, "SO_RCVBUF", INT, true);
    /** SO_SNDBUF in bytes (the kernel doubles what is set and reports the doubled value). */
    public static final SockOpt<Integer> SO_SNDBUF = new SockOpt<>(SOL_SOCKET, Constants.SO_SNDBUF, "SO_SNDBUF", INT, true);
    /** SO_ERROR: the pending error as an errno number (0: none), cleared by reading it. */
    public static final SockOpt<Integer> SO_ERROR = new SockOpt<>(SOL_SOCKET, Constants.SO_ERROR, "SO_ERROR", INT, false);
    /** SO_TYPE: the socket's type, as the kernel knows it (read-only). */
    public static final SockOpt<SocketType> SO_TYPE = new SockOpt<>(SOL_SOCKET, Constants.SO_TYPE, "SO_TYPE",
            map(INT, SocketType.class, SocketType::of, SocketType::value), false);
    /** SO_DOMAIN: the socket's family (read-only). */
    public static final SockOpt<Family> SO_DOMAIN = new SockOpt<>(SOL_SOCKET, Constants.SO_DOMAIN, "SO_DOMAIN",
            map(INT, Family.class, Family::ofAf, Family::af), false);
    /** SO_PROTOCOL: the socket's protocol, with 0 resolved to the default the kernel chose (read-only). */
    public static final SockOpt<Protocol> SO_PROTOCOL = new SockOpt<>(SOL_SOCKET, Constants.SO_PROTOCOL, "SO_PROTOCOL",
            map(INT, Protocol.class, Protocol::of, Protocol::value), false);
    /** SO_ACCEPTCONN: true once listen(2) has been called. */
    public static final SockOpt<Boolean> SO_ACCEPTCONN = new SockOpt<>(SOL_SOCKET, Constants.SO_ACCEPTCONN, "SO_ACCEPTCONN", BOOL, false);
    /** SO_PASSCRED: recvmsg on this Unix socket reports the sender's credentials (SCM_CREDENTIALS) with each message. */
    public static final SockOpt<Boolean> SO_PASSCRED = new SockOpt<>(SOL_SOCKET, Constants.SO_PASSCRED, "SO_PASSCRED", BOOL, true);
    /** SO_PEERCRED: the peer process of a Unix domain socket. */
    public static final SockOpt<PeerCred> SO_PEERCRED = new SockOpt<>(SOL_SOCKET, Constants.SO_PEERCRED, "SO_PEERCRED", PeerCred.CODEC, false);
    /** TCP_NODELAY: send small segments at once instead of waiting for the previous one's ACK (Nagle off). */
    public static final SockOpt<Boolean> TCP_NODELAY = new SockOpt<>(IPPROTO_TCP, Constants.TCP_NODELAY, "TCP_NODELAY", BOOL, true);
    /** TCP_MAXSEG: the largest segment this end sends (the MSS), in bytes. */
    public static final SockOpt<Integer> TCP_MAXSEG = new SockOpt<>(IPPROTO_TCP, Constants.TCP_MAXSEG, "TCP_MAXSEG", INT, true);
    /** TCP_SYNCNT: how many times connect retransmits its SYN before ETIMEDOUT (1 to 127). */
    public static final SockOpt<Integer> TCP_SYNCNT = new SockOpt<>(IPPROTO_TCP, Constants.TCP_SYNCNT, "TCP_SYNCNT", INT, true);
    /** TCP_DEFER_ACCEPT in seconds: accept only once data has arrived. */
    public static final SockOpt<Integer> TCP_DEFER_ACCEPT = new SockOpt<>(IPPROTO_TCP, Constants.TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT", INT, true);
    /** TCP_INFO: the kernel's view of the connection: state, RTT, windows, counters (read-only). */
    public static final SockOpt<TcpInfo> TCP_INFO = new SockOpt<>(IPPROTO_TCP, Constants.TCP_INFO, "TCP_INFO", TcpInfo.CODEC, false);
    /** IPV6_V6ONLY: an IPv6 socket that takes no IPv4 (set before bind). */
    public static final SockOpt<Boolean> IPV6_V6ONLY = new SockOpt<>(IPPROTO_IPV6, Constants.IPV6_V6ONLY, "IPV6_V6ONLY", BOOL, true);

    final int level;
    final int optname;
    private final String name;
    final Codec<T> codec;
    private final boolean settable;

    private SockOpt(int level, int optname, String name, Codec<T> codec, boolean settable) {
        this.level = level;
        this.optname = optname;
        this.name = name;
        this.codec = codec;
        this.settable = settable;
    }

    /**
     * An option this class lacks: what setsockopt(2) calls {@code level} and {@code optname}, with
     * {@code codec} for its value. Whether the kernel knows it shows at the first use (ENOPROTOOPT).
     *
     * @param <T> the Java type of the value
     * @param level the protocol level, e.g. {@link #SOL_SOCKET} or {@link #IPPROTO_TCP}
     * @param optname the option's number at that level, e.g. 18 for SO_RCVLOWAT
     * @param name the name messages and {@link #name()} show, e.g. {@code "SO_RCVLOWAT"}; not {@code null}
     * @param codec how the value reads and writes, e.g. {@link Codec#INT}; not {@code null}
     * @return the option, settable
     * @throws NullPointerException if {@code name} or {@code codec} is {@code null}
     */
    public static <T> SockOpt<T> of(int level, int optname, String name, Codec<T> codec) {
        return new SockOpt<>(level, optname, Objects.requireNonNull(name, "name"), Objects.requireNonNull(codec, "codec"), true);
    }

    /**
     * Whether {@link Socket#setOption} may set it.
     *
     * @return false for options the kernel only reports (SO_ERROR, SO_TYPE, TCP_INFO, ...)
     */
    public boolean isSettable() {
        return settable;
    }

    /**
     * The option's name as in C.
     *
     * @return e.g. {@code "SO_REUSEADDR"}
     */
    @Override
    public String name() {
        return name;
    }

    /**
     * The Java type of its value.
     *
     * @return e.g. {@code Boolean.class} for SO_REUSEADDR
     */
    @Override
    public Class<T> type() {
        return codec.type();
    }

    /** @return {@link #name()} */
    @Override
    public String toString() {
        return name;
    }

    private static <A, B> Codec<B> map(Codec<A> c, Class<B> type, Function<A, B> in, Function<B, A> out) {
        return new Codec<>() {
            public Class<B> type() { return type; }
            public int size() { return c.size(); }
            public void encode(B v, MemorySegment s) { c.encode(out.apply(v), s); }
            public B decode(MemorySegment s, int len) { return in.apply(c.decode(s, len)); }
        };
    }
}
