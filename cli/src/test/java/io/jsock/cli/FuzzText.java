package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * What the text fuzz targets share (one {@code @FuzzTest} per class: Jazzer fuzzes one per JVM). Jazzer
 * hands a target bytes; {@link #decode} makes them text, and the checks say what a parser of outside
 * text may do with it: accept it, or refuse it with its own exception and a message that is one line
 * once the CLI has escaped it. Anything else (another exception, a hang) is a finding.
 *
 * <p>The seed corpus of a target is {@code src/test/resources/io/jsock/cli/<Class>Inputs/<method>/}, one
 * input a file, as text (Jazzer's regression mode runs each in the normal suite).
 */
final class FuzzText {
    private FuzzText() {}

    /**
     * The input as text: UTF-8 (malformed sequences become U+FFFD), or, after a first byte 0xFF, the
     * rest as UTF-16BE, which reaches what UTF-8 cannot carry (lone surrogates).
     */
    static String decode(byte[] input) {
        if (input.length > 0 && input[0] == (byte) 0xFF) {
            return StandardCharsets.UTF_16BE.decode(ByteBuffer.wrap(input, 1, (input.length - 1) & ~1)).toString();
        }
        return new String(input, StandardCharsets.UTF_8);
    }

    /** A message for a user: present, and one line once escaped as the CLI prints it. */
    static void assertClear(String input, Throwable refusal) {
        assertThat(refusal.getMessage()).as("message for '%s'", Printable.escape(input)).isNotBlank();
        assertThat(Printable.escape(refusal.getMessage())).doesNotContain("\n", "\r");
    }

    /** The input refused with IllegalArgumentException in one line, or accepted as a value whose text parses back to it. */
    static <T> void acceptedOnesParseBack(byte[] input, Function<String, T> parse) {
        String s = decode(input);
        try {
            T value = parse.apply(s);
            assertThat(parse.apply(value.toString())).as("'%s' parses back", Printable.escape(value.toString())).isEqualTo(value);
        } catch (IllegalArgumentException refused) {
            assertClear(s, refused);
        }
    }
}
