package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bench raises RLIMIT_NOFILE with prlimit: of a running process, and of a command it starts. Up to the
 * hard limit anyone may; above it needs CAP_SYS_RESOURCE, and without it the soft limit still reaches the hard one.
 */
class LimitsTest {
    @Test
    void raisesARunningProcesssLimitAsFarAsAllowedAndNeverLowersIt() throws Exception {
        // sleep under a low limit (soft 256, hard 1024), then raised by the bench.
        Process p = new ProcessBuilder(List.of("prlimit", "--nofile=256:1024", "sleep", "30")).start();
        try {
            for (int i = 0; i < 100 && LoadGenerator.openFileLimit(p.pid()) != 256; i++) Thread.sleep(20);
            assertThat(LoadGenerator.openFileLimit(p.pid())).isEqualTo(256);
            assertThat(Limits.raise(p.pid(), 1000)).isEqualTo(1000);
            assertThat(Limits.hardLimit(p.pid())).isEqualTo(1000);
            assertThat(Limits.raise(p.pid(), 100)).isEqualTo(1000); // never lowered
            long wide = Limits.hardLimit(ProcessHandle.current().pid()) + 5000; // above this JVM's hard limit
            long got = Limits.raise(p.pid(), wide);
            assertThat(got).isIn(wide, 1000L); // raised, or (no CAP_SYS_RESOURCE) at its hard limit
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCommandUnderThePrefixStartsWithTheLimit() throws Exception {
        Process p = new ProcessBuilder(Limits.prefix(List.of("sh", "-c", "ulimit -n; ulimit -Hn"), 3000)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines().toList()).containsExactly("3000", "3000");
    }
}
