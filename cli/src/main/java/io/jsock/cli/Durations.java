package io.jsock.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them on a command line: {@code 5s}, {@code 500ms}, {@code 1.5s}, {@code 2m}. */
final class Durations {
    private Durations() {}

    /** The forms {@link #parse} accepts, for messages. */
    static final String FORMS = "a number with a unit: 500ms, 5s, 1.5s, 2m";

    private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

    /** Parses {@code text}; anything else is an IllegalArgumentException naming what {@code what} accepts. */
    static Duration parse(String what, String text) {
        Matcher m = TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException("bad " + what + " '" + text + "'; expected " + FORMS);
        double n = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            default -> n * 60_000;
        };
        if (millis < 1 || millis > 86_400_000) {
            throw new IllegalArgumentException("bad " + what + " '" + text + "'; expected from 1ms to 24h, e.g. " + FORMS);
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** Seconds with one decimal, as the messages show an elapsed time: {@code 3.0 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
