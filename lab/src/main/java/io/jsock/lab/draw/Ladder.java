package io.jsock.lab.draw;

import io.jsock.socket.packet.Packet;
import io.jsock.socket.packet.Segment;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A ladder diagram as UNP draws a connection (figures 2.5 and 2.6): two columns, one per host, time
 * running down, one arrow per segment captured, and marks where the program made its calls.
 *
 * @param title what it shows, e.g. "connect, then close on both sides"; never null
 * @param left the left column's host, e.g. "client 127.0.0.1:41986"; never null
 * @param right the right column's host, e.g. "server 127.0.0.1:9877"; never null
 * @param steps the arrows and marks, in time order; never null
 */
public record Ladder(String title, String left, String right, List<Step> steps) implements Figure {
    /** Copies the steps. */
    public Ladder {
        steps = List.copyOf(steps);
    }

    /** One row of the ladder. */
    public sealed interface Step permits Arrow, Mark {
        /** {@return when it happened} */
        Instant time();
    }

    /**
     * A segment, from one column to the other.
     *
     * @param time when it was captured
     * @param rightward true when it goes from the left host to the right one
     * @param flags what the text calls it: SYN, SYN-ACK, ACK, FIN-ACK, RST-ACK, PSH-ACK, UDP, ICMP
     * @param detail the numbers: "seq 0 ack 1", "seq 1:6 ack 1 len 5", "host 10.213.3.3 unreachable"
     */
    public record Arrow(Instant time, boolean rightward, String flags, String detail) implements Step {}

    /**
     * A call the program made, or a moment it noted, across both columns.
     *
     * @param time when
     * @param text what, e.g. "parent: close(connfd)"
     */
    public record Mark(Instant time, String text) implements Step {}

    /**
     * The arrows between two marks.
     *
     * @param from the text of the mark they follow
     * @param to the text of the mark they precede, or {@code null} for the end
     * @return the arrows after the first mark with text {@code from} and before the next mark with
     *         text {@code to}; empty when {@code from} is not there
     */
    public List<Arrow> between(String from, String to) {
        List<Arrow> out = new ArrayList<>();
        boolean in = false;
        for (Step s : steps) {
            if (s instanceof Mark m && m.text().equals(from) && !in) in = true;
            else if (s instanceof Mark m && in && m.text().equals(to)) break;
            else if (in && s instanceof Arrow a) out.add(a);
        }
        return out;
    }

    /** {@return the arrows alone, in order} */
    public List<Arrow> arrows() {
        return steps.stream().filter(s -> s instanceof Arrow).map(s -> (Arrow) s).toList();
    }

    /**
     * The ladder of {@code packets} between {@code leftHost:leftPort} and the other end, with
     * {@code marks} put among them by time. Sequence numbers are relative to each direction's first.
     * With a port, TCP and UDP packets of other connections are left out.
     *
     * @param title what it shows
     * @param left the left column's name
     * @param leftHost the left host's address: packets from it go right, all others left
     * @param leftPort the left host's port, or 0 for any
     * @param right the right column's name
     * @param packets what the capture kept
     * @param marks the calls, in any order
     * @return the ladder
     */
    public static Ladder of(String title, String left, InetAddress leftHost, int leftPort, String right, List<Packet> packets,
            List<Mark> marks) {
        List<Step> steps = new ArrayList<>(marks);
        long[] isn = {-1, -1}; // [0]: rightward, [1]: leftward
        for (Packet p : packets) {
            if (leftPort != 0 && !about(p, leftPort)) continue; // another connection, or neighbour discovery
            boolean rightward = p.source().equals(leftHost) && (leftPort == 0 || p.sourcePort() == leftPort);
            steps.add(arrow(p, rightward, isn));
        }
        steps.sort(Comparator.comparing(Step::time)); // stable: a mark taken with a packet's time stays before it
        return new Ladder(title, left, right, steps);
    }

    /** Whether {@code p} belongs to the connection on {@code port}: its TCP or UDP, or an ICMP error quoting it. */
    private static boolean about(Packet p, int port) {
        return switch (p.segment()) {
            case Segment.Tcp t -> t.sourcePort() == port || t.destinationPort() == port;
            case Segment.Udp u -> u.sourcePort() == port || u.destinationPort() == port;
            case Segment.Icmp i -> i.isError() && i.quoted() != null && (i.quoted().sourcePort() == port || i.quoted().destinationPort() == port);
            case Segment.Other o -> false;
        };
    }

    private static Arrow arrow(Packet p, boolean rightward, long[] isn) {
        int me = rightward ? 0 : 1, other = 1 - me;
        return switch (p.segment()) {
            case Segment.Tcp t -> {
                if (isn[me] < 0) isn[me] = t.seq();
                long seq = (t.seq() - isn[me]) & 0xFFFFFFFFL;
                StringBuilder d = new StringBuilder();
                if (t.payloadLength() > 0 || (t.flags() & (Segment.SYN | Segment.FIN | Segment.RST)) != 0) {
                    d.append("seq ").append(seq);
                    if (t.payloadLength() > 0) d.append(':').append(seq + t.payloadLength());
                }
                if (t.has(Segment.ACK)) {
                    long ack = isn[other] < 0 ? t.ack() : (t.ack() - isn[other]) & 0xFFFFFFFFL;
                    d.append(d.isEmpty() ? "" : " ").append("ack ").append(ack);
                }
                if (t.payloadLength() > 0) d.append(" len ").append(t.payloadLength());
                yield new Arrow(p.time(), rightward, t.flagNames(), d.toString());
            }
            case Segment.Udp u -> new Arrow(p.time(), rightward, "UDP", "len " + u.payloadLength());
            case Segment.Icmp i -> new Arrow(p.time(), rightward, i.v6() ? "ICMPv6" : "ICMP", icmp(i) + " from " + p.source().getHostAddress());
            case Segment.Other o -> new Arrow(p.time(), rightward, "IP proto " + o.protocol(), "len " + o.payloadLength());
        };
    }

    private static String icmp(Segment.Icmp i) {
        boolean unreachable = i.v6() ? i.type() == 1 : i.type() == 3;
        if (!unreachable) return "type " + i.type() + " code " + i.code();
        int c = i.code();
        return i.v6() ? switch (c) { case 0 -> "no route"; case 1 -> "prohibited"; case 3 -> "address unreachable"; case 4 -> "port unreachable"; default -> "unreachable " + c; }
                : switch (c) { case 0 -> "net unreachable"; case 1 -> "host unreachable"; case 3 -> "port unreachable"; case 9, 10, 13 -> "prohibited"; default -> "unreachable " + c; };
    }

    // ---- text

    private static final int WIDTH = 48; // between the two columns

    @Override
    public String text() {
        StringBuilder s = new StringBuilder();
        s.append(title).append('\n');
        s.append(pad(left, WIDTH + 2 - Math.min(right.length(), WIDTH / 2))).append(right).append('\n');
        String bars = "  |" + " ".repeat(WIDTH) + "|\n";
        s.append(bars);
        int arrows = 0;
        for (Step step : steps) {
            switch (step) {
                case Arrow a -> {
                    arrows++;
                    String label = " " + a.flags() + (a.detail().isEmpty() ? "" : " " + a.detail()) + " ";
                    if (label.length() > WIDTH - 6) label = label.substring(0, WIDTH - 7) + "~ ";
                    int dashes = WIDTH - 2 - label.length();
                    String line = "-".repeat(dashes / 2) + label + "-".repeat(dashes - dashes / 2);
                    s.append("  |").append(a.rightward() ? line + "->" : "<-" + line).append("|\n");
                }
                case Mark m -> s.append("  |").append(center("* " + m.text() + " *")).append("|\n");
            }
        }
        if (arrows == 0) s.append("  |").append(center("(no segment)")).append("|\n");
        s.append(bars);
        return s.toString();
    }

    private static String center(String t) {
        if (t.length() >= WIDTH) return t.substring(0, WIDTH);
        int l = (WIDTH - t.length()) / 2;
        return " ".repeat(l) + t + " ".repeat(WIDTH - t.length() - l);
    }

    private static String pad(String t, int n) {
        return t.length() >= n ? t + " " : t + " ".repeat(n - t.length());
    }

    // ---- SVG

    @Override
    public String svg() {
        int xl = 150, xr = 550, top = 60, row = 40, w = 700;
        int h = top + Math.max(1, steps.size()) * row + 30;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
                .append(Svg.escape(title)).append("\">");
        s.append("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
                + "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head\"/></marker></defs>");
        s.append(Svg.textMiddle(xl, 22, "host", left)).append(Svg.textMiddle(xr, 22, "host", right));
        s.append("<line class=\"timeline\" x1=\"").append(xl).append("\" y1=\"34\" x2=\"").append(xl).append("\" y2=\"").append(h - 10).append("\"/>");
        s.append("<line class=\"timeline\" x1=\"").append(xr).append("\" y1=\"34\" x2=\"").append(xr).append("\" y2=\"").append(h - 10).append("\"/>");
        int y = top;
        if (steps.isEmpty()) s.append(Svg.textMiddle((xl + xr) / 2, y, "none", "(no segment)"));
        for (Step step : steps) {
            switch (step) {
                case Arrow a -> {
                    int x1 = a.rightward() ? xl : xr, x2 = a.rightward() ? xr : xl;
                    s.append("<g class=\"arrow\" data-flags=\"").append(Svg.escape(a.flags())).append("\" data-direction=\"")
                            .append(a.rightward() ? "right" : "left").append("\">");
                    s.append("<line x1=\"").append(x1).append("\" y1=\"").append(y - 8).append("\" x2=\"").append(x2).append("\" y2=\"")
                            .append(y + 14).append("\" marker-end=\"url(#head)\"/>");
                    s.append(Svg.textMiddle((xl + xr) / 2, y - 4, "flags", a.flags() + (a.detail().isEmpty() ? "" : "  " + a.detail())));
                    s.append("</g>");
                }
                case Mark m -> {
                    s.append("<g class=\"mark\"><line x1=\"").append(xl - 60).append("\" y1=\"").append(y).append("\" x2=\"").append(xr + 60)
                            .append("\" y2=\"").append(y).append("\"/>");
                    s.append("<text x=\"").append(xl - 60).append("\" y=\"").append(y - 5).append("\">").append(Svg.escape(m.text())).append("</text></g>");
                }
            }
            y += row;
        }
        s.append("</svg>");
        return s.toString();
    }
}
