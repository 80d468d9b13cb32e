package io.jsock.lab.text;

import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table: a header and rows of cells, each column as wide as its widest cell,
 * numbers right-aligned. Colour (ANSI) may wrap a cell; it does not count towards the width.
 */
public final class TextTable {
    private final List<String> header;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * A table with no rows yet.
     *
     * @param header the columns' names; a name ending in {@code >} is right-aligned (the mark is dropped)
     */
    public TextTable(String... header) {
        this.header = new ArrayList<>();
        this.right = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            right[i] = header[i].endsWith(">");
            this.header.add(right[i] ? header[i].substring(0, header[i].length() - 1) : header[i]);
        }
    }

    /**
     * Adds a row.
     *
     * @param cells one per column, shown with {@code toString}; a null cell is empty
     * @return this, for chaining
     * @throws IllegalArgumentException when there are not as many cells as columns
     */
    public TextTable row(Object... cells) {
        if (cells.length != header.size()) throw new IllegalArgumentException(header.size() + " cells expected, got " + cells.length);
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(c == null ? "" : c.toString());
        rows.add(r);
        return this;
    }

    /**
     * Whether any row was added.
     *
     * @return true when the table has only its header
     */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /**
     * The table as text: the header, then one line per row, with two spaces between columns and no
     * trailing spaces.
     *
     * @param indent what goes before each line; never null
     * @return the lines, each ending in a line break
     */
    public String render(String indent) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) width[i] = visible(header.get(i));
        for (List<String> r : rows) for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], visible(r.get(i)));
        StringBuilder out = new StringBuilder();
        line(out, indent, header, width);
        for (List<String> r : rows) line(out, indent, r, width);
        return out.toString();
    }

    private void line(StringBuilder out, String indent, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder(indent);
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - visible(c));
            if (i > 0) l.append("  ");
            l.append(right[i] ? pad + c : c + (i == cells.size() - 1 ? "" : pad));
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }

    /**
     * The width on screen: ANSI escape sequences take none. (The CLI colours cells with picocli's
     * {@code Help.Ansi}; the lab does not depend on picocli, so it skips SGR sequences itself.)
     */
    static int visible(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "").length();
    }
}
