package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** NetNamespace.call: the task runs inside the named namespace, its sockets stay there, the caller never moves. */
class NetNamespaceTest {

    @Test
    void aNamespaceThatDoesNotExistIsAnOpenErrorNamingIt() {
        assertThatThrownBy(() -> NetNamespace.call("jsock-no-such-namespace", () -> "ran"))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("open /var/run/netns/jsock-no-such-namespace: ENOENT (No such file or directory): "
                        + "no network namespace named jsock-no-such-namespace");
    }

    @Test
    void aNameWithASlashIsRefused() {
        assertThatThrownBy(() -> NetNamespace.call("../../proc/1/ns/net", () -> "ran"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSocketOpenedInsideKeepsItsNamespaceAndTheCallerNeverMoves() throws Exception {
        assumeTrue(Loopback.isRoot(), "skipped: entering a network namespace needs root");
        String ip = Files.isExecutable(Path.of("/usr/sbin/ip")) ? "/usr/sbin/ip" : "/sbin/ip";
        assumeTrue(Files.isExecutable(Path.of(ip)), "skipped: iproute2's ip is not installed");
        String name = "jsock-t-" + ProcessHandle.current().pid();
        assumeTrue(run(ip, "netns", "add", name) == 0, "skipped: `ip netns add` does not work here");
        try {
            Path ours = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));

            record Inside(Socket socket, Path ns, String thread) {}
            Inside in = NetNamespace.call(name, () -> new Inside(
                    Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP),
                    Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")),
                    Thread.currentThread().getName()));

            try (Socket s = in.socket()) {
                assertThat(in.ns()).isNotEqualTo(ours);
                assertThat(in.thread()).startsWith("jsock-netns-" + name + "-");
                assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"))).isEqualTo(ours);
                // A fresh namespace has only a loopback that is down, so no route: the socket, used
                // from this thread, still connects from inside it.
                assertThatThrownBy(() -> s.connect(SockAddr.parse("127.0.0.1:9")))
                        .isInstanceOfSatisfying(ErrnoNoRouteToHostException.class,
                                e -> assertThat(e.errno()).isEqualTo(Errno.ENETUNREACH))
                        .hasMessage("connect 127.0.0.1:9: ENETUNREACH (Network is unreachable)");
            }
            IOException fromTask = new IOException("from the task");
            assertThatThrownBy(() -> NetNamespace.call(name, () -> {
                throw fromTask;
            })).as("the task's own exception comes back as it is").isSameAs(fromTask);
        } finally {
            run(ip, "netns", "del", name);
        }
    }

    private static int run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            return -1;
        }
        return p.exitValue();
    }
}
