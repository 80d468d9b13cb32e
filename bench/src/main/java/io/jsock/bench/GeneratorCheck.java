package io.jsock.bench;

import io.jsock.socket.SockAddr;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code jsock bench --check}: is the generator's figure right? On the C reference at one connection,
 * two tests of it:
 * <ol>
 *   <li>against an independent client ({@link BlockingClient}): the two take turns in short slices
 *       (who goes first alternates), and the median of the per-pair ratios must be within 10% of 1 --
 *       pairs, not the ratio of two medians, so that a burst of load from elsewhere on a shared machine
 *       hits both sides of a pair alike;</li>
 *   <li>against itself (Little's law): at one connection, echoes per second times the mean latency
 *       must be 1 within 10%, i.e. what it counts and what it times describe the same echoes.</li>
 * </ol>
 */
final class GeneratorCheck {
    /** How far from 1 a ratio may be. */
    static final double TOLERANCE = 0.10;

    /** The outcome: the median per-pair ratio generator/blocking client, and the median of rate x mean latency. */
    record Verdict(double pairedRatio, double littles) {
        boolean agrees() {
            return Math.abs(pairedRatio - 1) <= TOLERANCE;
        }

        boolean consistent() {
            return Math.abs(littles - 1) <= TOLERANCE;
        }

        boolean passed() {
            return agrees() && consistent();
        }
    }

    private GeneratorCheck() {}

    /**
     * Judges the slices: {@code gen[i]} and {@code plain[i]} are one pair's rates, {@code littles[i]}
     * the generator's rate times its mean latency in seconds in slice i (per connection).
     */
    static Verdict judge(double[] gen, double[] plain, double[] littles) {
        if (gen.length == 0 || gen.length != plain.length || gen.length != littles.length) {
            throw new IllegalArgumentException("want as many generator, client and Little's-law figures, at least one");
        }
        double[] ratios = new double[gen.length];
        for (int i = 0; i < gen.length; i++) ratios[i] = plain[i] > 0 ? gen[i] / plain[i] : Double.POSITIVE_INFINITY;
        return new Verdict(median(ratios), median(littles.clone()));
    }

    /** The median (sorts {@code v}). */
    static double median(double[] v) {
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * Runs the check: {@code pairs} pairs of {@code slice}-long measurements after a warm-up of both
     * clients; prints each pair to {@code log} and the verdict to {@code out}. Returns the exit code: 0 passed, 1 not.
     */
    static int run(int size, int pairs, Duration slice, Duration warmup, PrintStream out, PrintStream log)
            throws IOException, InterruptedException {
        if (CReference.EPOLL.missing() != null) throw new IOException("--check " + CReference.EPOLL.missing());
        ServerSpec c = ServerSpec.of(ServerSpec.C);
        Duration settle = Duration.ofMillis(50);
        double[] gen = new double[pairs], plain = new double[pairs], littles = new double[pairs];
        try (ServerProcess server = ServerProcess.start(c, c.resolve(Tools.targetDir()), Duration.ofSeconds(30))) {
            SockAddr at = server.address();
            String host = at.toString().substring(0, at.toString().lastIndexOf(':'));
            int port = Integer.parseInt(at.toString().substring(at.toString().lastIndexOf(':') + 1));
            LoadGenerator generator = new LoadGenerator();
            generator.run(new LoadSpec(at, Mode.RR, 1, size, Duration.ZERO, warmup, 1), server.pid()); // JIT warm-up
            BlockingClient.echoesPerSecond(host, port, size, Duration.ZERO, warmup);
            for (int i = 0; i < pairs; i++) {
                boolean clientFirst = i % 2 == 1;
                if (clientFirst) plain[i] = BlockingClient.echoesPerSecond(host, port, size, settle, slice);
                LoadResult r = generator.run(new LoadSpec(at, Mode.RR, 1, size, settle, slice, 1), server.pid());
                if (r.errors() > 0) throw new IOException("the generator saw " + r.errors() + " errors: " + r.firstError());
                gen[i] = r.rate();
                littles[i] = r.rate() * r.latency().getMean() / 1e9;
                if (!clientFirst) plain[i] = BlockingClient.echoesPerSecond(host, port, size, settle, slice);
                log.printf(Locale.ROOT, "pair %d/%d: generator %s echo/s (rate x mean latency %.3f), blocking java.net client %s echo/s: %.3f%n",
                        i + 1, pairs, Report.number(gen[i]), littles[i], Report.number(plain[i]), gen[i] / plain[i]);
            }
        }
        Verdict v = judge(gen, plain, littles);
        out.printf(Locale.ROOT, "c-epoll, 1 connection, %d B, %d pairs of %s slices: generator/blocking client, median of the "
                        + "pairs' ratios %.3f (%s); the generator's rate x mean latency %.3f (%s; 1 at one connection)%n",
                size, pairs, Report.text(slice), v.pairedRatio(), v.agrees() ? "agree within 10%" : "DIFFER by more than 10%",
                v.littles(), v.consistent() ? "consistent" : "INCONSISTENT");
        out.println("load average (1/5/15 min): " + Main.loadAverage());
        return v.passed() ? 0 : 1;
    }
}
