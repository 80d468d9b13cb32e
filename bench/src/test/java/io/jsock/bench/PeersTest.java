package io.jsock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every peer server starts as its own process, says where it listens, and echoes a short rr run without an error. */
class PeersTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"netty-epoll", "netty-uring", "netty-nio", "jdk-virtual", "jdk-thread", "c-uring"})
    void startsAndEchoes(String name) throws Exception {
        ServerSpec spec = ServerSpec.of(name);
        assertThat(spec.missing()).isNull();
        try (ServerProcess server = ServerProcess.start(spec, spec.resolve(dir), Duration.ofSeconds(60))) {
            LoadSpec load = new LoadSpec(server.address(), Mode.RR, 3, 64, Duration.ofMillis(100), Duration.ofMillis(300), 1);
            LoadResult r = new LoadGenerator().run(load, server.pid());
            assertThat(r.errors()).as(String.valueOf(r.firstError())).isZero();
            assertThat(r.ops()).isPositive();
            assertThat(r.bytes()).isEqualTo(r.ops() * 64);
            assertThat(server.isAlive()).isTrue();
        }
    }
}
