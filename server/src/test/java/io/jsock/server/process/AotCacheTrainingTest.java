package io.jsock.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.Connection;
import io.jsock.server.Handler;
import io.jsock.socket.process.ChildProcess;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache's training run ends with the server that started it: {@code stopTraining} (called by
 * the process and prefork models' stop) kills and reaps the training child JVM and leaves no partial
 * cache file. Before, the training child ran on after close(), up to its three minutes.
 */
class AotCacheTrainingTest {
    /** A handler that keeps its connection a minute: the training child is still running when the server stops. */
    public static final class Slow implements Handler {
        @Override
        public void serve(Connection c) throws IOException {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                throw new InterruptedIOException("slow handler interrupted");
            }
        }
    }

    @Test
    @Timeout(120)
    void stopTrainingEndsTheTrainingChildAndLeavesNoFile(@TempDir Path dir) throws Exception {
        AotCache cache = new AotCache(dir.resolve("child-test.aot"));
        cache.ensure(ChildJvm.handlerSpec(new Slow()));
        ChildProcess child = null;
        for (int i = 0; i < 600 && child == null; i++) { // bounded: 60 s for the child JVM to be started
            child = cache.trainingChild();
            if (child == null) Thread.sleep(100);
        }
        assertThat(child).as("the training child started").isNotNull();
        long pid = child.pid();

        cache.stopTraining();

        assertThat(cache.trainingChild()).isNull();
        assertThat(child.isAlive()).as("the training child, ended").isFalse();
        for (int i = 0; i < 50 && ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent(); i++) {
            Thread.sleep(100); // bounded: its exit is seen (pidfd) a moment before the reaper's waitpid takes the zombie
        }
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("the training child, reaped").isEqualTo(Optional.empty());
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("no partial cache file").isEmpty();
        }
    }

    @Test
    @Timeout(30)
    void aServerStoppedBeforeItsTrainingBeganStartsNone(@TempDir Path dir) throws Exception {
        AotCache cache = new AotCache(dir.resolve("child-test.aot"));
        cache.stopTraining(); // nothing under way: returns
        cache.ensure(ChildJvm.handlerSpec(new Slow()));
        cache.stopTraining();
        assertThat(cache.trainingChild()).isNull();
    }
}
