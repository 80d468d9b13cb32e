package io.jsock.cli;

import picocli.CommandLine;

/**
 * picocli's converter for every {@code int} option of the {@code jsock} command: a whole number in
 * ASCII digits, with an optional minus sign. picocli's own (Integer.valueOf) also takes the digits of
 * other scripts, so {@code --backlog ٣} meant 3.
 */
final class Integers implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
        String digits = text.startsWith("-") ? text.substring(1) : text;
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Errors.BadValue("expected a whole number (digits 0-9)");
        }
        long n = Long.parseLong(text);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) throw new Errors.BadValue("expected a number from "
                + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
        return (int) n;
    }
}
