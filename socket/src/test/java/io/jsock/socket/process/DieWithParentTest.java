package io.jsock.socket.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChildProcess.Builder#dieWithParent()}: the helper's parent-death signal, children that
 * otherwise run as without it, one guardian for all group leaders, and where the helper is
 * installed. (What the guardian does when its parent is killed is tested with the process model's
 * server, in the server module's ProcessGroupsTest.)
 */
class DieWithParentTest {
    private static final Duration WAIT = Duration.ofSeconds(10); // hang guards, not measurements

    /** The state letter of /proc/PID/stat, or empty when the process is gone. */
    private static Optional<Character> state(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Optional.of(s.charAt(s.lastIndexOf(')') + 2));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    private static boolean dead(long pid) {
        return state(pid).map(c -> c == 'Z').orElse(true);
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException gone) {
            return "";
        }
    }

    /** Field 5 of /proc/PID/stat: the process group. */
    private static String pgid(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return s.substring(s.lastIndexOf(')') + 2).split(" ")[2];
    }

    @Test
    void aChildSpawnedThroughTheHelperDiesWhenItsParentIsKilled() throws Exception {
        Path helper = DeathHelper.path();
        // The parent: sh, which starts `sleep 31` through the helper, then becomes `sleep 32` itself.
        ChildProcess parent = ChildProcess.builder(List.of("sh", "-c", helper + " $$ - /bin/sleep sleep 31 & exec sleep 32"))
                .devNull(0).devNull(1).processGroup().start();
        try {
            long child = -1;
            for (int i = 0; i < 1000 && child < 0; i++) { // bounded: 10 s
                child = ProcessHandle.of(parent.pid()).flatMap(p -> p.children().findFirst()).map(ProcessHandle::pid).orElse(-1L);
                if (child > 0 && !comm(child).equals("sleep")) child = -1; // the helper has not exec'd yet
                if (child < 0) Thread.sleep(10);
            }
            assertThat(child).as("sleep 31, started through the helper").isPositive();
            assertThat(parent.kill()).isTrue();
            assertThat(parent.waitFor(WAIT)).hasToString("killed by SIGKILL");
            for (int i = 0; i < 1000 && !dead(child); i++) Thread.sleep(10);
            assertThat(dead(child)).as("the child of the killed parent").isTrue();
        } finally {
            parent.signalGroup(ChildProcess.SIGKILL);
        }
    }

    @Test
    void aChildThatDiesWithItsParentOtherwiseRunsAsAnyOther() throws Exception {
        assertThat(ChildProcess.builder(List.of("sh", "-c", "exit 3")).devNull(0).devNull(1).dieWithParent().start().waitFor(WAIT))
                .hasToString("exit 3");
        ChildProcess leader = ChildProcess.builder(List.of("sh", "-c", "exit 4")).devNull(0).devNull(1).processGroup().dieWithParent().start();
        assertThat(leader.waitFor(WAIT)).hasToString("exit 4");
        for (int i = 0; i < 1000 && leader.groupAlive(); i++) Thread.sleep(10); // the guardian follows the program
        assertThat(leader.groupAlive()).as("the guardian left with the program").isFalse();
        assertThatThrownBy(() -> ChildProcess.builder(List.of("no-such-program-jsock")).dieWithParent().start())
                .isInstanceOf(IOException.class).hasMessageContaining("ENOENT");
    }

    @Test
    void groupLeadersThatDieWithTheirParentShareOneGuardianThatHoldsNoneOfTheirDescriptors() throws Exception {
        List<ChildProcess> leaders = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                leaders.add(ChildProcess.builder(List.of("sleep", "30")).devNull(0).devNull(1).processGroup().dieWithParent().start());
            }
            for (ChildProcess c : leaders) {
                for (int i = 0; i < 1000 && !comm(c.pid()).equals("sleep"); i++) Thread.sleep(10); // the helper execs it
                assertThat(comm(c.pid())).isEqualTo("sleep");
                // only what it was given, and standard error: not the guardian's socket
                assertThat(Files.list(Path.of("/proc", Integer.toString(c.pid()), "fd")).map(f -> f.getFileName().toString()).sorted().toList())
                        .containsExactly("0", "1", "2");
            }
            assertThat(ProcessHandle.current().children().map(ProcessHandle::pid).toList()).as("our children: the programs, no guardian")
                    .containsExactlyInAnyOrderElementsOf(leaders.stream().map(c -> (long) c.pid()).toList());
            long guardian = Guardian.pid();
            assertThat(comm(guardian)).startsWith("pdeathsig");
            assertThat(pgid(guardian)).as("in our process group").isEqualTo(pgid(ProcessHandle.current().pid()));
            assertThat(Files.list(Path.of("/proc", Long.toString(guardian), "fd")).count())
                    .as("its registration pipe, its epoll, a pidfd of us and one of each child").isEqualTo(3 + leaders.size());
            for (ChildProcess c : leaders) assertThat(c.kill()).isTrue();
            for (ChildProcess c : leaders) assertThat(c.waitFor(WAIT)).hasToString("killed by SIGKILL");
            for (int i = 0; i < 1000 && Files.list(Path.of("/proc", Long.toString(guardian), "fd")).count() > 3; i++) Thread.sleep(10);
            assertThat(Files.list(Path.of("/proc", Long.toString(guardian), "fd")).count()).as("the ended children's pidfds dropped").isEqualTo(3);
        } finally {
            for (ChildProcess c : leaders) c.signalGroup(ChildProcess.SIGKILL);
        }
    }

    @Test
    void theHelperIsNotRunFromADirectoryOthersMayWrite(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> DeathHelper.install(dir)).isInstanceOf(IOException.class).hasMessageContaining("writable by others");
        Path ours = DeathHelper.install(tmp.resolve("ours"));
        assertThat(Files.getPosixFilePermissions(ours)).isEqualTo(PosixFilePermissions.fromString("r-xr-xr-x"));
        assertThat(DeathHelper.install(tmp.resolve("ours"))).as("installed once").isEqualTo(ours);
    }
}
