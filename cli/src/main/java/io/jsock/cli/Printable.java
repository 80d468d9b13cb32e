package io.jsock.cli;

/**
 * Makes a message safe to print as one line, as {@code ls} and {@code git} quote names: what a user
 * typed may hold a newline, an escape sequence or a bidi override, which printed raw would split the
 * "one line" error or rewrite the terminal. Control characters become C escapes ({@code \n},
 * {@code \t}, {@code \r}, {@code \e}) or {@code \xHH}; other invisible or format characters (C1
 * controls, U+202E, unassigned code points, lone surrogates) become {@code \\u{HHHH}}. A backslash
 * stays as it is: the message is for reading, not for pasting back.
 */
final class Printable {
    private Printable() {}

    /** {@code text} with every character that is not printable escaped; the same string if all are. */
    static String escape(String text) {
        if (text == null) return "null";
        int i = 0;
        while (i < text.length() && printable(text.codePointAt(i))) i += Character.charCount(text.codePointAt(i));
        if (i == text.length()) return text;
        StringBuilder b = new StringBuilder(text.length() + 8).append(text, 0, i);
        while (i < text.length()) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (printable(c)) {
                b.appendCodePoint(c);
                continue;
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case 0x1b -> b.append("\\e");
                default -> {
                    if (c < 0x80) b.append(String.format("\\x%02x", c));
                    else b.append(String.format("\\u{%04x}", c));
                }
            }
        }
        return b.toString();
    }

    private static boolean printable(int c) {
        if (c >= 0x20 && c < 0x7f) return true; // the common case: printable ASCII
        if (c < 0xa0) return false; // C0, DEL, C1
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }
}
