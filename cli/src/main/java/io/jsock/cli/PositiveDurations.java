package io.jsock.cli;

import java.time.Duration;
import picocli.CommandLine;

/**
 * A duration that must be more than zero ({@code --idle-timeout}, {@code --deadline}): the forms of
 * {@link Durations}, with {@code 0}, {@code 0s}, ... refused by a line saying a positive one is needed
 * (to leave the limit off, leave the option out).
 */
final class PositiveDurations implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
        if (text.strip().matches("0+(\\.0+)?(ms|s|m)?")) {
            throw new Durations.BadDuration("a positive duration is needed, " + Durations.FORMS + " (leave the option out for no limit)");
        }
        return new Durations().convert(text);
    }
}
