package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** --pin: its argument, and taskset really moving a server (run under the prefix) and a running process (every thread). */
class PinningTest {
    @Test
    void autoSplitsTheAllowedCpusInHalves() {
        assertThat(Pinning.parse("auto", List.of(0, 1))).isEqualTo(new Pinning("0", "1"));
        assertThat(Pinning.parse("auto", List.of(0, 1, 2, 3))).isEqualTo(new Pinning("0,1", "2,3"));
        assertThat(Pinning.parse("auto", List.of(0, 1, 2, 3)).generatorCpus()).isEqualTo(2);
        assertThatThrownBy(() -> Pinning.parse("auto", List.of(0))).hasMessageContaining("at least 2 CPUs");
    }

    @Test
    void explicitListsAreCheckedAgainstEachOtherAndTheAllowedCpus() {
        assertThat(Pinning.parse("0-1:2,3", List.of(0, 1, 2, 3))).isEqualTo(new Pinning("0-1", "2,3"));
        assertThatThrownBy(() -> Pinning.parse("0:0", List.of(0, 1))).hasMessageContaining("CPU 0 is on both sides");
        assertThatThrownBy(() -> Pinning.parse("0:7", List.of(0, 1))).hasMessageContaining("CPU 7 is not one of");
        assertThatThrownBy(() -> Pinning.parse("0", List.of(0, 1))).hasMessageContaining("SERVER_CPUS:GENERATOR_CPUS");
        assertThatThrownBy(() -> Pinning.parse("a:1", List.of(0, 1))).hasMessageContaining("'a' is not a CPU list");
        assertThatThrownBy(() -> Pinning.parse(":1", List.of(0, 1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tasksetPinsTheServerCommandAndEveryThreadOfARunningProcess() throws Exception {
        List<Integer> allowed = Pinning.allowed(ProcessHandle.current().pid());
        Pinning pin = Pinning.parse("auto", allowed);
        Process p = new ProcessBuilder(pin.prefix(List.of("sleep", "30"))).start();
        try {
            assertThat(cpusOf(p.pid())).isEqualTo(Pinning.cpus(pin.server(), "").stream().toList());
            Pinning.pin(p.pid(), pin.generator());
            assertThat(cpusOf(p.pid())).isEqualTo(Pinning.cpus(pin.generator(), "").stream().toList());
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits (bounded) until taskset has exec'd sleep, then reads its allowed CPUs. */
    private static List<Integer> cpusOf(long pid) throws Exception {
        for (int i = 0; i < 100 && !Files.readString(Path.of("/proc/" + pid + "/comm")).strip().equals("sleep"); i++) Thread.sleep(20);
        return Pinning.allowed(pid);
    }
}
