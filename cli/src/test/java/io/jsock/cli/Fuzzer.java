package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small mutation fuzzer for the parsers of outside input: takes the seed corpus committed in
 * {@code src/test/resources/fuzz/NAME.txt} (one input a line), mutates it (characters inserted,
 * deleted, repeated, replaced, inputs spliced; with control characters, other scripts' digits, lone
 * surrogates, long numbers) and feeds each input to a target that must either accept it or refuse it
 * with the parser's own exception and a one-line message. Anything else is a crash, reported with the
 * input escaped and the seed to replay it.
 *
 * <p>Each target runs {@code -Djsock.fuzz.millis} (default 1500) in the suite; a longer run:
 * {@code ./test -o -pl cli -am -Dtest='FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false -Djsock.fuzz.millis=600000}.
 * (Jazzer, coverage-guided, would be better; its artifacts are not in the repositories this build may use.)
 */
final class Fuzzer {
    /** The input a target got, for its checks. */
    interface Target {
        void accept(String input) throws Exception;
    }

    private static final String[] PIECES = {
        ":", "::", "[", "]", "%", ".", "/", "@", ",", "*", "-", "--", " ", "0", "1", "9", "65535", "65536", "4294967296",
        "99999999999999999999", "ms", "s", "m", "h", "e5", "\n", "\t", "\r", "\u0000", "\u001b[2J", "\u007f", "\u0085",
        "\u202e", "\u0663", "\uff11", "\ud800", "\udfff", "\ud83d\ude00", "udp:", "tcp:", "dgram:", "seqpacket:", "stream:",
        "pool:", "prefork:", "fe80::1", "::ffff:", "255.255.255.255", "%lo", "%eth0", "-v", "--bind", "--model", "=",
    };

    private Fuzzer() {}

    /** Runs {@code target} on mutations of the corpus {@code name} for the time budget; returns the number of inputs. */
    static long fuzz(String name, Target target) throws IOException {
        List<String> corpus = corpus(name);
        long seed = Long.getLong("jsock.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        long end = System.nanoTime() + Long.getLong("jsock.fuzz.millis", 1500) * 1_000_000;
        long n = 0;
        for (String s : corpus) check(name, seed, s, target);
        while (System.nanoTime() < end && n < 10_000_000) {
            String input = mutate(corpus, random);
            long t0 = System.nanoTime();
            check(name, seed, input, target);
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMillis).as("%s: input '%s' took %d ms (seed %d)", name, Printable.escape(input), tookMillis, seed)
                    .isLessThan(2_000);
            n++;
        }
        System.out.printf("fuzz %s: %,d inputs, 0 crashes (seed %d)%n", name, n + corpus.size(), seed);
        return n;
    }

    private static void check(String name, long seed, String input, Target target) {
        try {
            target.accept(input);
        } catch (Throwable t) {
            throw new AssertionError(name + ": input '" + Printable.escape(input) + "' (seed " + seed + ", -Djsock.fuzz.seed="
                    + seed + " replays it): " + t, t);
        }
    }

    /** A message for a user: present and one line once escaped as the CLI prints it. */
    static void assertClear(String input, Throwable refusal) {
        assertThat(refusal.getMessage()).as("message for '%s'", Printable.escape(input)).isNotBlank();
        assertThat(Printable.escape(refusal.getMessage())).doesNotContain("\n", "\r");
    }

    static String mutate(List<String> corpus, Random r) {
        StringBuilder b = new StringBuilder(corpus.get(r.nextInt(corpus.size())));
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            int at = b.isEmpty() ? 0 : r.nextInt(b.length() + 1);
            switch (r.nextInt(6)) {
                case 0 -> b.insert(at, PIECES[r.nextInt(PIECES.length)]);
                case 1 -> { if (!b.isEmpty()) b.delete(Math.min(at, b.length() - 1), Math.min(b.length(), at + 1 + r.nextInt(4))); }
                case 2 -> b.insert(at, (char) r.nextInt(0x80));
                case 3 -> { if (!b.isEmpty() && at < b.length()) b.setCharAt(at, (char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0x10000))); }
                case 4 -> { if (at < b.length()) b.insert(at, b.substring(at, Math.min(b.length(), at + 1 + r.nextInt(6)))); }
                default -> {
                    String other = corpus.get(r.nextInt(corpus.size()));
                    b.insert(at, other.substring(r.nextInt(other.length() + 1)));
                }
            }
        }
        return b.toString();
    }

    private static List<String> corpus(String name) throws IOException {
        try (InputStream in = Fuzzer.class.getResourceAsStream("/fuzz/" + name + ".txt")) {
            assertThat(in).as("seed corpus fuzz/" + name + ".txt").isNotNull();
            List<String> lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            lines.add("");
            return lines;
        }
    }
}
