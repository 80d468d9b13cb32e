package io.jsock.socket.process;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** posix_spawn children: the C struct sizes, the child's descriptors, environment and signals, exit statuses, reaping by pid. */
class ChildProcessTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    // ---- the sizes of glibc's opaque types, measured: each *_init/sig*set writes exactly sizeof(T) bytes

    /** Fills a larger segment with 0x5a, lets {@code init} run on it, and returns how many leading bytes it changed. */
    private static long bytesWritten(ToIntFunction<MemorySegment> init, byte after) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(1024, 8).fill((byte) 0x5a);
            assertThat(init.applyAsInt(s)).isZero();
            long last = -1;
            for (long i = 0; i < s.byteSize(); i++) {
                if (s.get(JAVA_BYTE, i) != (byte) 0x5a) last = i;
            }
            for (long i = 0; i <= last; i++) assertThat(s.get(JAVA_BYTE, i)).isNotEqualTo((byte) 0x5a);
            assertThat(s.get(JAVA_BYTE, last)).isEqualTo(after);
            return last + 1;
        }
    }

    @Test
    void posixSpawnFileActionsTIs80Bytes() {
        assertThat(bytesWritten(Libc::posix_spawn_file_actions_init, (byte) 0)).isEqualTo(Libc.FILE_ACTIONS_SIZE);
    }

    @Test
    void posixSpawnattrTIs336Bytes() {
        assertThat(bytesWritten(Libc::posix_spawnattr_init, (byte) 0)).isEqualTo(Libc.SPAWNATTR_SIZE);
    }

    @Test
    void sigsetTIs128BytesAsPosixSpawnattrCopiesIt() {
        // posix_spawnattr_setsigdefault/setsigmask copy a whole sigset_t into the attributes
        // (at offsets 8 and 136): count what they copied.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(1024, 8);
            assertThat(Libc.posix_spawnattr_init(attr)).isZero();
            MemorySegment def = arena.allocate(1024, 8).fill((byte) 0x11);
            MemorySegment mask = arena.allocate(1024, 8).fill((byte) 0x22);
            assertThat(Libc.posix_spawnattr_setsigdefault(attr, def)).isZero();
            assertThat(Libc.posix_spawnattr_setsigmask(attr, mask)).isZero();
            long sd = 0, ss = 0;
            for (long i = 0; i < Libc.SPAWNATTR_SIZE; i++) {
                byte b = attr.get(JAVA_BYTE, i);
                if (b == 0x11) sd++;
                if (b == 0x22) ss++;
            }
            assertThat(sd).isEqualTo(Libc.SIGSET_SIZE);
            assertThat(ss).isEqualTo(Libc.SIGSET_SIZE);
            assertThat(attr.get(JAVA_BYTE, 8)).isEqualTo((byte) 0x11);
            assertThat(attr.get(JAVA_BYTE, 8 + Libc.SIGSET_SIZE)).isEqualTo((byte) 0x22);
            Libc.posix_spawnattr_destroy(attr);
        }
    }

    @Test
    void sigemptysetAndSigfillsetStayWithinASigsetT() {
        assertThat(bytesWritten(Libc::sigemptyset, (byte) 0)).isBetween(8L, Libc.SIGSET_SIZE);
        assertThat(bytesWritten(Libc::sigfillset, (byte) 0xff)).isBetween(8L, Libc.SIGSET_SIZE);
    }

    // ---- exit statuses, decoded from real children

    @Test
    void anExitCodeIsDecoded() throws Exception {
        ExitStatus st = ChildProcess.builder(List.of("sh", "-c", "exit 3")).start().waitFor(LONG);
        assertThat(st.exited()).isTrue();
        assertThat(st.exitCode()).isEqualTo(3);
        assertThat(st.signaled()).isFalse();
        assertThat(st).hasToString("exit 3");
    }

    @Test
    void aCrashIsDecodedAsItsSignal() throws Exception {
        ExitStatus st = ChildProcess.builder(List.of("sh", "-c", "kill -SEGV $$")).start().waitFor(LONG);
        assertThat(st.signaled()).isTrue();
        assertThat(st.signal()).isEqualTo(11);
        assertThat(st.exitCode()).isEqualTo(-1);
        assertThat(st.shellCode()).isEqualTo(139);
        assertThat(st.toString()).startsWith("killed by SIGSEGV");
    }

    @Test
    void killEndsTheChildAndNothingIsSentAfterItIsReaped() throws Exception {
        ChildProcess p = ChildProcess.builder(List.of("sleep", "60")).start();
        assertThat(p.isAlive()).isTrue();
        assertThat(p.kill()).isTrue();
        ExitStatus st = p.waitFor(LONG);
        assertThat(st.signal()).isEqualTo(9);
        assertThat(st).hasToString("killed by SIGKILL");
        assertThat(p.isAlive()).isFalse();
        assertThat(p.terminate()).isFalse(); // reaped: the pid may be someone else's now
    }

    // ---- errors

    @Test
    void aMissingProgramIsENOENTNamingIt() {
        for (String program : List.of("jsock-no-such-program", "/nonexistent/jsock-no-such-program")) {
            assertThatThrownBy(() -> ChildProcess.builder(List.of(program)).start())
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                    .hasMessage("posix_spawn " + program + ": ENOENT (No such file or directory)");
        }
    }

    // ---- what the child gets

    @Test
    void theChildHasOnlyItsStdioAndTheGivenDescriptors() throws Exception {
        assertThat(run(List.of("sh", "-c", "ls /proc/$$/fd"), Map.of("PATH", System.getenv("PATH")), false))
                .isEqualTo("0\n1\n2\n");
        assertThat(run(List.of("sh", "-c", "ls /proc/$$/fd"), Map.of("PATH", System.getenv("PATH")), true))
                .isEqualTo("0\n1\n2\n3\n");
    }

    @Test
    void aDescriptorWithoutCloseOnExecDoesNotLeakIntoTheChild() throws Exception {
        try (Socket leaky = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            assertThat(Libc.fcntl(leaky.fd(), Constants.F_SETFD, 0)).isZero(); // as a careless library might leave it
            assertThat(run(List.of("sh", "-c", "ls /proc/$$/fd"), Map.of("PATH", System.getenv("PATH")), false))
                    .isEqualTo("0\n1\n2\n");
        }
    }

    @Test
    void theChildGetsExactlyTheGivenEnvironment() throws Exception {
        assertThat(run(List.of("/usr/bin/env"), Map.of("A", "1", "B", "two words"), false))
                .isIn("A=1\nB=two words\n", "B=two words\nA=1\n");
    }

    @Test
    void theChildHasDefaultSignalDispositionsAndAnEmptyMask() throws Exception {
        String status = run(List.of("cat", "/proc/self/status"), System.getenv(), false);
        assertThat(status).contains("SigBlk:\t0000000000000000\n").contains("SigIgn:\t0000000000000000\n");
    }

    @Test
    void aSocketAsStdioCarriesBytesBothWays() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket mine = pair[0]; Socket theirs = pair[1]) {
            theirs.setBlockingForChild(true); // cat expects blocking reads
            ChildProcess p = ChildProcess.builder(List.of("cat")).stdio(theirs).start();
            theirs.close(); // the child holds the only other reference now
            mine.writeFully("hello, child\n".getBytes(StandardCharsets.US_ASCII));
            mine.shutdown(Shutdown.WRITE);
            assertThat(readAll(mine)).isEqualTo("hello, child\n");
            assertThat(p.waitFor(LONG).exitCode()).isZero();
        }
    }

    @Test
    void descriptorsWhoseNumbersClashAreStillPlacedRight() throws Exception {
        // The socket at our fd N goes to the child's 3 while another goes to the child's N: the
        // planner must not let one dup2 overwrite the other's source.
        Socket[] a = Socket.pair(Family.LOCAL, SocketType.STREAM);
        Socket[] b = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a0 = a[0]; Socket a1 = a[1]; Socket b0 = b[0]; Socket b1 = b[1]) {
            a1.setBlockingForChild(true);
            b1.setBlockingForChild(true);
            // child: fd 0/1 = a1; fd (b1's number) = b1 reversed with fd 3 ... write "A" to 1 and "B" to fd X
            int x = a1.fd(); // the child's fd x gets b1, although our a1 sits at x
            ChildProcess p = ChildProcess.builder(List.of("bash", "-c", "echo A; echo B >&" + x))
                    .stdio(a1).descriptor(x, b1).start();
            a1.close();
            b1.close();
            assertThat(readAll(a0)).isEqualTo("A\n");
            assertThat(readAll(b0)).isEqualTo("B\n");
            assertThat(p.waitFor(LONG).exitCode()).isZero();
        }
    }

    @Test
    void aDescriptorCanBeDevNull() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket mine = pair[0]; Socket theirs = pair[1]) {
            theirs.setBlockingForChild(true);
            ChildProcess p = ChildProcess.builder(List.of("sh", "-c", "readlink /proc/$$/fd/0; ls /proc/$$/fd"))
                    .devNull(0).descriptor(1, theirs).start();
            theirs.close();
            assertThat(readAll(mine)).isEqualTo("/dev/null\n0\n1\n2\n");
            assertThat(p.waitFor(LONG).exitCode()).isZero();
        }
    }

    // ---- reaping

    @Test
    void aReapedChildLeavesNoZombie() throws Exception {
        ChildProcess p = ChildProcess.builder(List.of("true")).start();
        assertThat(p.waitFor(LONG).success()).isTrue();
        assertThat(isOurZombie(p.pid())).isFalse();
    }

    @Test
    void theFallbackPollReapsAChildWithoutAPidfd() throws Exception {
        ChildProcess p = ChildProcess.builder(List.of("sh", "-c", "exit 5")).start();
        Reaper.INSTANCE.poll(p); // as if pidfd_open had failed: whichever path sees it first reaps it once
        assertThat(p.waitFor(LONG).exitCode()).isEqualTo(5);
        assertThat(isOurZombie(p.pid())).isFalse();
    }

    @Test
    void theJdksOwnProcessesKeepTheirExitStatus() throws Exception {
        // Were we reaping with waitpid(-1), we would steal the JDK's children and it would see garbage.
        for (int i = 0; i < 10; i++) {
            Process jdk = new ProcessBuilder("sh", "-c", "exit 7").start();
            ChildProcess ours = ChildProcess.builder(List.of("sh", "-c", "exit 4")).start();
            assertThat(jdk.waitFor()).isEqualTo(7);
            assertThat(ours.waitFor(LONG).exitCode()).isEqualTo(4);
        }
    }

    // ---- helpers

    /** Runs argv with one end of a socketpair as stdin/stdout (and at 3 if asked) and returns what it wrote. */
    private static String run(List<String> argv, Map<String, String> env, boolean alsoAt3) throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket mine = pair[0]; Socket theirs = pair[1]) {
            theirs.setBlockingForChild(true);
            ChildProcess.Builder b = ChildProcess.builder(argv).environment(env).stdio(theirs);
            if (alsoAt3) b.descriptor(3, theirs);
            ChildProcess p = b.start();
            theirs.close();
            mine.shutdown(Shutdown.WRITE);
            String out = readAll(mine);
            assertThat(p.waitFor(LONG)).isNotNull();
            return out;
        }
    }

    private static String readAll(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (s.read(buf.clear()) > 0) out.write(buf.array(), 0, buf.position());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** True if {@code pid} is a zombie whose parent is this JVM. */
    static boolean isOurZombie(int pid) throws IOException {
        Path stat = Path.of("/proc", Integer.toString(pid), "stat");
        String s;
        try {
            s = Files.readString(stat);
        } catch (IOException gone) {
            return false;
        }
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return f[0].equals("Z") && Long.parseLong(f[1]) == ProcessHandle.current().pid();
    }
}
