package io.jsock.socket;

import io.jsock.socket.internal.Constants;

import static io.jsock.socket.internal.Constants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * A typed socket option for {@link Socket#setOption} and {@link Socket#getOption}: its level, its
 * name and how its C value reads and writes.
 *
 * @param <T> the Java type of the value
 */
public final class SockOpt<T> {
    /** How a value travels to and from its C form. */
    interface Codec<T> {
        int size();

        void encode(T value, MemorySegment s);

        T decode(MemorySegment s, int len);
    }

    private static final Codec<Integer> INT = new Codec<>() {
        public int size() { return 4; }
        public void encode(Integer v, MemorySegment s) { s.set(JAVA_INT, 0, v); }
        public Integer decode(MemorySegment s, int len) { return s.get(JAVA_INT, 0); }
    };
    private static final Codec<Boolean> BOOL = new Codec<>() {
        public int size() { return 4; }
        public void encode(Boolean v, MemorySegment s) { s.set(JAVA_INT, 0, v ? 1 : 0); }
        public Boolean decode(MemorySegment s, int len) { return s.get(JAVA_INT, 0) != 0; }
    };

    public static final SockOpt<Boolean> SO_REUSEADDR = new SockOpt<>(SOL_SOCKET, Constants.SO_REUSEADDR, "SO_REUSEADDR", BOOL, true);
    public static final SockOpt<Boolean> SO_REUSEPORT = new SockOpt<>(SOL_SOCKET, Constants.SO_REUSEPORT, "SO_REUSEPORT", BOOL, true);
    public static final SockOpt<Boolean> SO_KEEPALIVE = new SockOpt<>(SOL_SOCKET, Constants.SO_KEEPALIVE, "SO_KEEPALIVE", BOOL, true);
    /** SO_LINGER: {@link Linger#OFF}, or on with a time; {@code Linger.on(0)} makes close send RST. */
    public static final SockOpt<Linger> SO_LINGER = new SockOpt<>(SOL_SOCKET, Constants.SO_LINGER, "SO_LINGER", Linger.CODEC, true);
    /** SO_RCVBUF in bytes (the kernel doubles what is set and reports the doubled value). */
    public static final SockOpt<Integer> SO_RCVBUF = new SockOpt<>(SOL_SOCKET, Constants.SO_RCVBUF, "SO_RCVBUF", INT, true);
    public static final SockOpt<Integer> SO_SNDBUF = new SockOpt<>(SOL_SOCKET, Constants.SO_SNDBUF, "SO_SNDBUF", INT, true);
    /** SO_ERROR: the pending error as an errno number (0: none), cleared by reading it. */
    public static final SockOpt<Integer> SO_ERROR = new SockOpt<>(SOL_SOCKET, Constants.SO_ERROR, "SO_ERROR", INT, false);
    public static final SockOpt<SocketType> SO_TYPE = new SockOpt<>(SOL_SOCKET, Constants.SO_TYPE, "SO_TYPE",
            map(INT, SocketType::of, SocketType::value), false);
    public static final SockOpt<Family> SO_DOMAIN = new SockOpt<>(SOL_SOCKET, Constants.SO_DOMAIN, "SO_DOMAIN",
            map(INT, Family::ofAf, Family::af), false);
    public static final SockOpt<Protocol> SO_PROTOCOL = new SockOpt<>(SOL_SOCKET, Constants.SO_PROTOCOL, "SO_PROTOCOL",
            map(INT, Protocol::of, Protocol::value), false);
    /** SO_ACCEPTCONN: true once listen(2) has been called. */
    public static final SockOpt<Boolean> SO_ACCEPTCONN = new SockOpt<>(SOL_SOCKET, Constants.SO_ACCEPTCONN, "SO_ACCEPTCONN", BOOL, false);
    /** SO_PEERCRED: the peer process of a Unix domain socket. */
    public static final SockOpt<PeerCred> SO_PEERCRED = new SockOpt<>(SOL_SOCKET, Constants.SO_PEERCRED, "SO_PEERCRED", PeerCred.CODEC, false);
    public static final SockOpt<Boolean> TCP_NODELAY = new SockOpt<>(IPPROTO_TCP, Constants.TCP_NODELAY, "TCP_NODELAY", BOOL, true);
    public static final SockOpt<Integer> TCP_MAXSEG = new SockOpt<>(IPPROTO_TCP, Constants.TCP_MAXSEG, "TCP_MAXSEG", INT, true);
    /** TCP_SYNCNT: how many times connect retransmits its SYN before ETIMEDOUT (1 to 127). */
    public static final SockOpt<Integer> TCP_SYNCNT = new SockOpt<>(IPPROTO_TCP, Constants.TCP_SYNCNT, "TCP_SYNCNT", INT, true);
    /** TCP_DEFER_ACCEPT in seconds: accept only once data has arrived. */
    public static final SockOpt<Integer> TCP_DEFER_ACCEPT = new SockOpt<>(IPPROTO_TCP, Constants.TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT", INT, true);
    public static final SockOpt<TcpInfo> TCP_INFO = new SockOpt<>(IPPROTO_TCP, Constants.TCP_INFO, "TCP_INFO", TcpInfo.CODEC, false);
    public static final SockOpt<Boolean> IPV6_V6ONLY = new SockOpt<>(IPPROTO_IPV6, Constants.IPV6_V6ONLY, "IPV6_V6ONLY", BOOL, true);

    final int level;
    final int name;
    private final String cName;
    final Codec<T> codec;
    private final boolean settable;

    private SockOpt(int level, int name, String cName, Codec<T> codec, boolean settable) {
        this.level = level;
        this.name = name;
        this.cName = cName;
        this.codec = codec;
        this.settable = settable;
    }

    /** False for options the kernel only reports (SO_ERROR, SO_TYPE, TCP_INFO, ...). */
    public boolean isSettable() {
        return settable;
    }

    @Override
    public String toString() {
        return cName;
    }

    private static <A, B> Codec<B> map(Codec<A> c, java.util.function.Function<A, B> in, java.util.function.Function<B, A> out) {
        return new Codec<>() {
            public int size() { return c.size(); }
            public void encode(B v, MemorySegment s) { c.encode(out.apply(v), s); }
            public B decode(MemorySegment s, int len) { return in.apply(c.decode(s, len)); }
        };
    }
}
