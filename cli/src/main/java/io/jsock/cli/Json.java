package io.jsock.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON as the commands print it ({@code ss --json}, {@code lab --json}), written by jackson-jr from
 * maps (in their iteration order), lists, strings, numbers, booleans and null: two spaces per level,
 * {@code "key": value}, one array element per line, {@code {}} and {@code []} when empty.
 */
final class Json {
    private Json() {}

    private static final DefaultIndenter TWO_SPACES = new DefaultIndenter("  ", "\n");

    private static final JSON WRITER = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES).with(
            new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
                    .withObjectIndenter(TWO_SPACES)
                    .withArrayIndenter(TWO_SPACES));

    /** One value on one line, without spaces: a JSON Lines record ({@code trace --json}). */
    static String line(Object value) {
        try {
            return JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a string: only a value with no JSON form gets here
        }
    }

    static String of(Object value) {
        try {
            return WRITER.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a string: only a value with no JSON form gets here
        }
    }
}
