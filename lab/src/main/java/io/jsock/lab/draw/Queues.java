package io.jsock.lab.draw;

/**
 * The two queues of a listening socket (UNP figure 4.7) at the moment they were read: how many
 * connections were in each, and the backlog that bounds them.
 *
 * @param when what the moment was, e.g. "3 clients whose SYN-ACKs are lost"; never null
 * @param incomplete connections in the incomplete queue (SYN_RCVD)
 * @param completed connections in the completed queue (ESTABLISHED, not yet accepted)
 * @param backlog the listener's backlog, as the kernel kept it
 */
public record Queues(String when, int incomplete, int completed, int backlog) implements Figure {
    /** The most slots drawn per queue; more entries are written as a number. */
    static final int MAX_SLOTS = 12;

    @Override
    public String text() {
        return "queues (" + when + "), backlog " + backlog + "\n"
                + "  incomplete (SYN_RCVD)   " + slots(incomplete) + " " + incomplete + "\n"
                + "  completed  (ESTABLISHED)" + slots(completed) + " " + completed + "\n";
    }

    private int capacity() {
        return Math.min(MAX_SLOTS, Math.max(backlog + 1, Math.max(incomplete, completed)));
    }

    private String slots(int n) {
        StringBuilder b = new StringBuilder(" ");
        for (int i = 0; i < capacity(); i++) b.append(i < n ? "[#]" : "[ ]");
        return b.toString();
    }

    @Override
    public String svg() {
        int cap = capacity(), slot = 34, x0 = 250, w = x0 + cap * slot + 120, h = 150;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"queues\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
                .append(Svg.escape("listen queues: " + incomplete + " incomplete, " + completed + " completed, backlog " + backlog))
                .append("\">");
        s.append(Svg.text(10, 20, "caption", "the listener's two queues (UNP fig. 4.7): " + when + "; backlog " + backlog));
        row(s, 55, "incomplete queue (SYN_RCVD)", incomplete, "incomplete", cap, slot, x0);
        row(s, 110, "completed queue (ESTABLISHED)", completed, "completed", cap, slot, x0);
        s.append("</svg>");
        return s.toString();
    }

    private static void row(StringBuilder s, int y, String label, int n, String cls, int cap, int slot, int x0) {
        s.append(Svg.text(10, y + 5, "label", label));
        for (int i = 0; i < cap; i++) {
            s.append("<rect class=\"slot").append(i < n ? " full " + cls : "").append("\" x=\"").append(x0 + i * slot)
                    .append("\" y=\"").append(y - 14).append("\" width=\"").append(slot - 4).append("\" height=\"26\"/>");
        }
        s.append(Svg.text(x0 + cap * slot + 10, y + 5, "count", n + (n > cap ? " (more than drawn)" : "")));
    }
}
