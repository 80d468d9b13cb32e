package io.jsock.cli;

import io.jsock.socket.TcpState;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The socket states as iproute2's ss names them: in its table ({@code ESTAB}, {@code UNCONN}) and in
 * its {@code state FILTER} arguments ({@code established}, {@code listening}, and the groups
 * {@code all}, {@code connected}, {@code synchronized}, {@code bucket}, {@code big}).
 */
final class SsStates {
    private SsStates() {}

    /** The states ss knows (Linux's 1 to 11; ss shows a request socket as SYN-RECV). */
    static final Set<TcpState> ALL = EnumSet.range(TcpState.ESTABLISHED, TcpState.CLOSING);
    /** ss's SS_CONN: what it shows for TCP and Unix sockets without -l, -a or a state. */
    static final Set<TcpState> CONNECTED = minus(ALL, TcpState.LISTEN, TcpState.CLOSE, TcpState.TIME_WAIT, TcpState.SYN_RECV);
    /** What ss shows for UDP without -l, -a or a state: connected sockets. */
    static final Set<TcpState> UDP_DEFAULT = EnumSet.of(TcpState.ESTABLISHED);
    /** {@code -l}: listeners, and the unconnected datagram sockets ss counts as listening. */
    static final Set<TcpState> LISTENING = EnumSet.of(TcpState.LISTEN, TcpState.CLOSE);

    private static final Map<String, Set<TcpState>> FILTERS = new LinkedHashMap<>();

    static {
        FILTERS.put("established", EnumSet.of(TcpState.ESTABLISHED));
        FILTERS.put("syn-sent", EnumSet.of(TcpState.SYN_SENT));
        FILTERS.put("syn-recv", EnumSet.of(TcpState.SYN_RECV));
        FILTERS.put("fin-wait-1", EnumSet.of(TcpState.FIN_WAIT1));
        FILTERS.put("fin-wait-2", EnumSet.of(TcpState.FIN_WAIT2));
        FILTERS.put("time-wait", EnumSet.of(TcpState.TIME_WAIT));
        FILTERS.put("closed", EnumSet.of(TcpState.CLOSE));
        FILTERS.put("close-wait", EnumSet.of(TcpState.CLOSE_WAIT));
        FILTERS.put("last-ack", EnumSet.of(TcpState.LAST_ACK));
        FILTERS.put("listening", EnumSet.of(TcpState.LISTEN));
        FILTERS.put("closing", EnumSet.of(TcpState.CLOSING));
        FILTERS.put("all", ALL);
        FILTERS.put("connected", CONNECTED);
        FILTERS.put("synchronized", minus(CONNECTED, TcpState.SYN_SENT));
        FILTERS.put("bucket", EnumSet.of(TcpState.SYN_RECV, TcpState.TIME_WAIT));
        FILTERS.put("big", minus(ALL, TcpState.SYN_RECV, TcpState.TIME_WAIT));
    }

    /**
     * The states a {@code state} argument names.
     *
     * @throws IllegalArgumentException for a name ss does not know, saying which it knows
     */
    static Set<TcpState> parse(String name) {
        Set<TcpState> s = FILTERS.get(name.toLowerCase(java.util.Locale.ROOT));
        if (s == null) s = name.equalsIgnoreCase("unconnected") ? EnumSet.of(TcpState.CLOSE) : null;
        if (s == null) throw new IllegalArgumentException("unknown state '" + name + "'; expected one of " + String.join(", ", FILTERS.keySet()));
        return s;
    }

    /** {@return the state as ss's table writes it} */
    static String name(TcpState s) {
        return switch (s) {
            case ESTABLISHED -> "ESTAB";
            case FIN_WAIT1 -> "FIN-WAIT-1";
            case FIN_WAIT2 -> "FIN-WAIT-2";
            case CLOSE -> "UNCONN";
            case NEW_SYN_RECV -> "SYN-RECV";
            default -> s.name().replace('_', '-');
        };
    }

    private static Set<TcpState> minus(Set<TcpState> from, TcpState... out) {
        EnumSet<TcpState> s = EnumSet.copyOf(from);
        for (TcpState t : out) s.remove(t);
        return s;
    }
}
