package io.jsock.socket.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A child in a process group or session of its own, signalled as a group; users and groups looked up by name. */
class ProcessGroupAndCredentialsTest {

    /** Fields 5 and 6 of /proc/PID/stat: the process group and the session. */
    private static long[] groupAndSession(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    /** The pid of the first child of {@code pid}, waiting for it (bounded: 10 s). */
    private static long firstChild(long pid) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            var c = ProcessHandle.of(pid).flatMap(p -> p.children().findFirst());
            if (c.isPresent()) return c.get().pid();
            Thread.sleep(10);
        }
        throw new AssertionError("no child of " + pid);
    }

    @Test
    void aChildInAGroupOfItsOwnIsSignalledWithWhatItStarted() throws Exception {
        ChildProcess sh = ChildProcess.builder(List.of("sh", "-c", "sleep 30; true")).devNull(0).devNull(1).processGroup().start();
        long sleep = firstChild(sh.pid());
        assertThat(groupAndSession(sh.pid())[0]).as("its group is its own").isEqualTo(sh.pid());
        assertThat(groupAndSession(sleep)[0]).as("the sleep it started is in it").isEqualTo(sh.pid());
        assertThat(groupAndSession(sh.pid())[1]).as("same session as ours").isEqualTo(groupAndSession(ProcessHandle.current().pid())[1]);
        assertThat(sh.groupAlive()).isTrue();
        assertThat(sh.signalGroup(ChildProcess.SIGKILL)).isTrue();
        assertThat(sh.waitFor(Duration.ofSeconds(10))).hasToString("killed by SIGKILL");
        for (int i = 0; i < 1000 && sh.groupAlive(); i++) Thread.sleep(10); // init reaps the sleep
        assertThat(sh.groupAlive()).as("nothing left in the group").isFalse();
        assertThat(ProcessHandle.of(sleep).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(sh.signalGroup(ChildProcess.SIGKILL)).as("no group left: ESRCH").isFalse();
    }

    @Test
    void aChildInASessionOfItsOwnLeadsItAndItsGroup() throws Exception {
        ChildProcess sh = ChildProcess.builder(List.of("sh", "-c", "sleep 30; true")).devNull(0).devNull(1).session().start();
        try {
            long sleep = firstChild(sh.pid());
            assertThat(groupAndSession(sh.pid())).containsExactly(sh.pid(), sh.pid());
            assertThat(groupAndSession(sleep)[1]).isEqualTo(sh.pid());
        } finally {
            sh.signalGroup(ChildProcess.SIGKILL);
            sh.waitFor(Duration.ofSeconds(10));
        }
    }

    @Test
    void aChildInOurGroupCannotBeSignalledAsAGroup() throws Exception {
        ChildProcess c = ChildProcess.builder(List.of("true")).devNull(0).devNull(1).start();
        c.waitFor(Duration.ofSeconds(10));
        assertThatThrownBy(() -> c.signalGroup(ChildProcess.SIGTERM)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("processGroup()");
    }

    private static int id(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor();
        return Integer.parseInt(out);
    }

    @Test
    void usersAndGroupsAreLookedUpAsIdDoes() throws Exception {
        Credentials nobody = Credentials.lookup("nobody", null);
        assertThat(nobody.uid()).isEqualTo(id("id", "-u", "nobody"));
        assertThat(nobody.gid()).as("the primary group").isEqualTo(id("id", "-g", "nobody"));
        Credentials root = Credentials.lookup("root", "nogroup");
        assertThat(root.uid()).isZero();
        assertThat(root.gid()).as("the group named").isEqualTo(id("sh", "-c", "getent group nogroup | cut -d: -f3"));
        assertThat(nobody.applied()).isFalse();
    }

    @Test
    void anUnknownUserOrGroupIsOneLineNamingIt() {
        assertThatThrownBy(() -> Credentials.lookup("no-such-user-x", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown user 'no-such-user-x'");
        assertThatThrownBy(() -> Credentials.lookup("nobody", "no-such-group-x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown group 'no-such-group-x'");
        assertThatThrownBy(() -> Credentials.lookup("", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyingTheCredentialsThisProcessRunsAsChangesNothing() throws Exception {
        Credentials self = Credentials.of(id("id", "-u"), id("id", "-g"));
        self.apply(); // no setgroups, setgid, setuid: already these ids (root here: dropping would end this JVM's root)
        assertThat(self.applied()).isTrue();
        assertThat(self.awaitApplied(Duration.ZERO)).isTrue();
    }
}
