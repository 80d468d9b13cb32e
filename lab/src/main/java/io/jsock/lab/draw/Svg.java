package io.jsock.lab.draw;

/** The few pieces of SVG markup the figures share. */
final class Svg {
    private Svg() {}

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String text(int x, int y, String cls, String text) {
        return "<text class=\"" + cls + "\" x=\"" + x + "\" y=\"" + y + "\">" + escape(text) + "</text>";
    }

    static String textMiddle(int x, int y, String cls, String text) {
        return "<text class=\"" + cls + "\" x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"middle\">" + escape(text) + "</text>";
    }
}
