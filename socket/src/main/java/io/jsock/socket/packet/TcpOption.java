package io.jsock.socket.packet;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One TCP option (RFC 9293 3.1, RFC 7323, RFC 2018), with its values.
 *
 * @param kind what it is
 * @param values its numbers: MSS the size, WSCALE the shift, TIMESTAMPS val and ecr, SACK the block
 *        edges (left, right, left, right, ...), UNKNOWN the kind; none for the others
 */
public record TcpOption(Kind kind, List<Long> values) {
    /** The options tcpdump names. */
    public enum Kind {
        /** End of option list (kind 0). */
        EOL,
        /** No-operation (kind 1): padding. */
        NOP,
        /** Maximum segment size (kind 2). */
        MSS,
        /** Window scale (kind 3). */
        WSCALE,
        /** SACK permitted (kind 4). */
        SACK_OK,
        /** Selective acknowledgment blocks (kind 5). */
        SACK,
        /** Timestamps (kind 8). */
        TIMESTAMPS,
        /** Any other kind. */
        UNKNOWN
    }

    /** Copies the values. */
    public TcpOption {
        values = List.copyOf(values);
    }

    /** {@return the option as tcpdump writes it: {@code mss 65495}, {@code sackOK}, {@code TS val 1 ecr 0}, {@code wscale 7}, {@code nop}} */
    @Override
    public String toString() {
        return switch (kind) {
            case EOL -> "eol";
            case NOP -> "nop";
            case MSS -> "mss " + values.get(0);
            case WSCALE -> "wscale " + values.get(0);
            case SACK_OK -> "sackOK";
            case SACK -> "sack " + values.size() / 2 + " " + blocks();
            case TIMESTAMPS -> "TS val " + values.get(0) + " ecr " + values.get(1);
            case UNKNOWN -> "unknown-" + values.get(0);
        };
    }

    private String blocks() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < values.size(); i += 2) b.append('{').append(values.get(i)).append(':').append(values.get(i + 1)).append('}');
        return b.toString();
    }

    static String join(List<TcpOption> options) {
        return options.stream().map(TcpOption::toString).collect(Collectors.joining(","));
    }
}
