package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.socket.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code thread} at its limit: the server's process is put in a cgroup whose pids.max leaves room
 * for a few more threads, and more clients come than it can give threads. It says so in one line,
 * keeps serving the connections it has, and serves the waiting ones as those end (none lost).
 */
class ThreadLimitTest {
    private static final Path PIDS = Path.of("/sys/fs/cgroup/pids"); // cgroup v1's pids controller
    private static final int ROOM = 6, CLIENTS = 20;

    @Test
    void atTheThreadLimitItSaysSoOnceKeepsServingAndServesTheWaitingOnesAsOthersEnd() throws Exception {
        assumeTrue(Files.isDirectory(PIDS) && Files.isWritable(PIDS), "needs root and cgroup v1's pids controller at " + PIDS);
        // No JVM thread made on demand (GC workers, compilers) may take the room the test counts on.
        List<String> prefix = List.of("env", "JAVA_TOOL_OPTIONS=-XX:+UseSerialGC -XX:-UseDynamicNumberOfCompilerThreads");
        Path group = PIDS.resolve("jsock-thread-limit-" + ProcessHandle.current().pid());
        List<Socket> clients = new ArrayList<>();
        try (ServeProcess s = ServeProcess.start(prefix, "serve", "echo", "--bind", "127.0.0.1:0", "--model", "thread", "-v")) {
            Files.createDirectory(group);
            try {
                Files.writeString(group.resolve("cgroup.procs"), Long.toString(s.pid()));
                Files.writeString(group.resolve("pids.max"), Long.toString(threads(s.pid()) + ROOM));
                for (int i = 0; i < CLIENTS; i++) {
                    Socket c = ServeLifecycleTest.connect(s.address());
                    clients.add(c);
                    c.writeFully(new byte[] {(byte) i});
                }
                s.awaitLine(l -> l.contains("at the thread limit"));
                // In the order they came (the order of accept): each one echoes once enough of those before it have gone.
                for (int i = 0; i < CLIENTS; i++) {
                    ByteBuffer got = ByteBuffer.allocate(1);
                    clients.get(i).readFully(got); // 60 s guard (ServeLifecycleTest.connect)
                    assertThat(got.get(0)).as("client " + i + "'s echo").isEqualTo((byte) i);
                    clients.get(i).close();
                }
                try (Socket fresh = ServeLifecycleTest.connect(s.address())) {
                    assertThat(ServeLifecycleTest.echoByte(fresh, (byte) 'n')).isEqualTo((byte) 'n');
                }
                assertThat(s.err.stream().filter(l -> l.contains("at the thread limit")).count())
                        .as("one line at the limit, not one per connection: %s", s.err).isEqualTo(1);
                assertThat(s.err).noneMatch(l -> l.contains("dispatch of a connection"));
            } finally {
                clients.forEach(Socket::close);
                s.signal("TERM");
                assertThat(s.awaitExit()).isZero();
                Files.delete(group); // empty once the server has exited
            }
        }
    }

    private static long threads(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.count();
        }
    }
}
