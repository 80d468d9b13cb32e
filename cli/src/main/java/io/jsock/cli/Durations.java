package io.jsock.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations as people type them on a command line, {@code 5s}, {@code 500ms}, {@code 1.5s},
 * {@code 2m}, {@code 1h}, or {@code 0} for none: picocli's converter for every duration option of the
 * {@code jsock} command ({@code converter = Durations.class}).
 *
 * <p>The bench jar parses its own {@code --duration} and {@code --warmup}: it cannot use this class
 * (the bench does not link the CLI, nor the CLI the bench) and it accepts more (a bare number of
 * seconds, a zero warm-up).
 */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    /** The forms {@link #convert} accepts, for messages. */
    static final String FORMS = "a number with a unit: 500ms, 5s, 1.5s, 2m, 1h";

    private static final Pattern TEXT = Pattern.compile("([0-9]{1,9}(?:\\.[0-9]{1,9})?)(ms|s|m|h)");

    /** Text that is not a duration; {@link Errors} prints it as {@code bad OPTION 'TEXT'; expected ...}. */
    static final class BadDuration extends Errors.BadValue {
        BadDuration(String expected) {
            super(expected);
        }
    }

    /** Parses {@code text}: {@code 0}, or from 1 ms to 24 h in one of the {@link #FORMS}. */
    @Override
    public Duration convert(String text) {
        if (text.strip().equals("0")) return Duration.ZERO; // none (--grace 0: close at once)
        Matcher m = TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new BadDuration("expected " + FORMS);
        double n = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
        if (millis < 1 || millis > 86_400_000) throw new BadDuration("expected from 1ms to 24h, e.g. " + FORMS);
        return Duration.ofMillis(Math.round(millis));
    }

    /** Seconds with one decimal, as the messages show an elapsed time: {@code 3.0 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
