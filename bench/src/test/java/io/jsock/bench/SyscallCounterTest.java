package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --syscalls: perf stat's CSV parsed, and a real perf stat on the C reference counting the calls of a short rr window. */
class SyscallCounterTest {
    @TempDir
    Path dir;

    @Test
    void parsesPerfStatCsvLeavingOutZerosCommentsAndUncounted() {
        Map<String, Long> m = SyscallCounter.parse(List.of(
                "# started on Mon Nov 30 23:59:00 2026",
                "",
                "5,,syscalls:sys_enter_epoll_wait,1000,100.00,,",
                "12,,syscalls:sys_enter_recvfrom,1000,100.00,,",
                "0,,syscalls:sys_enter_read,1000,100.00,,",
                "<not counted>,,syscalls:sys_enter_futex,0,0.00,,",
                "11,,syscalls:sys_enter_sendto,1000,100.00,,"));
        assertThat(m).containsExactly(Map.entry("recvfrom", 12L), Map.entry("sendto", 11L), Map.entry("epoll_wait", 5L));
        assertThat(SyscallCounter.perOp(m, 10)).isEqualTo("total 2.80:  recvfrom 1.20  sendto 1.10  epoll_wait 0.50");
    }

    @Test
    void countsTheCReferencesCallsOverAMeasuredWindow() throws Exception {
        assertThat(SyscallCounter.missing()).isNull();
        ServerSpec c = ServerSpec.of(ServerSpec.C);
        try (ServerProcess server = ServerProcess.start(c, c.resolve(dir), Duration.ofSeconds(30));
             SyscallCounter counter = SyscallCounter.attach(server.pid())) {
            LoadSpec spec = new LoadSpec(server.address(), Mode.RR, 2, 64, Duration.ofMillis(200), Duration.ofMillis(300), 1);
            LoadResult r = new LoadGenerator(() -> { }, counter).run(spec, server.pid());
            Map<String, Long> calls = counter.counts();
            assertThat(r.errors()).isZero();
            assertThat(r.ops()).isPositive();
            // echo_epoll answers each echo with one recv and one send (recvfrom and sendto in the kernel), waiting in epoll_wait.
            assertThat(calls).containsKeys("recvfrom", "sendto", "epoll_wait");
            assertThat(calls.keySet()).doesNotContain("accept4"); // connections were made before the window: counting was off
            // Each echo of the window costs one send; perf acts on enable and disable some ms late (alike at both ends).
            assertThat((double) calls.get("sendto") / r.ops()).isBetween(0.7, 1.4);
        }
    }
}
