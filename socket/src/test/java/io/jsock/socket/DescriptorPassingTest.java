package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.passing.AcceptOnPassedListener;
import io.jsock.socket.internal.Libc;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS on Unix stream, datagram and seqpacket sockets, between threads and processes. */
class DescriptorPassingTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @EnumSource(value = SocketType.class, names = {"STREAM", "DGRAM", "SEQPACKET"})
    void descriptorsArriveWithTheDataAndWorkAsTheSendersDid(SocketType type) throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, type);
        Socket[] carried = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = pair[0]; Socket b = pair[1]; Socket keep = carried[0]) {
            assertThat(a.sendmsg(ascii("two"), List.of(carried[1], keep))).isEqualTo(3);
            carried[1].close(); // the receiver's copy keeps the socket alive
            ByteBuffer dst = ByteBuffer.allocate(16);
            Message m = b.recvmsg(dst, 4);
            assertThat(m.length()).isEqualTo(3);
            assertThat(new String(dst.array(), 0, 3, StandardCharsets.US_ASCII)).isEqualTo("two");
            assertThat(m.rights()).hasSize(2);
            assertThat(m.credentials()).as("no SO_PASSCRED").isNull();
            assertThat(m.truncated()).isFalse();
            try (Socket far = m.rights().get(0).adopt()) {
                m.rights().get(1).close();
                assertThat(Loopback.fdFlags(far.fd()) & Loopback.O_CLOEXEC).as("close-on-exec").isNotZero();
                keep.writeFully("hi".getBytes(StandardCharsets.US_ASCII));
                byte[] got = new byte[2];
                far.readFully(got);
                assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hi");
            }
        }
    }

    @Test
    void twoHundredFiftyThreeDescriptorsGoInOneMessageAndOneMoreIsRefused() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        List<Socket> many = new ArrayList<>();
        try (Socket a = pair[0]; Socket b = pair[1]) {
            for (int i = 0; i < 254; i++) many.add(Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT));
            int before = Loopback.openSockets();
            Loopback.assertErrno(() -> a.sendmsg(ascii("x"), many), "sendmsg", Errno.EINVAL);
            a.sendmsg(ascii("x"), many.subList(0, 253));
            Message m = b.recvmsg(ByteBuffer.allocate(1), 253);
            assertThat(m.rights()).hasSize(253);
            assertThat(Loopback.openSockets()).isEqualTo(before + 253);
            for (PassedDescriptor d : m.rights()) d.close();
            assertThat(Loopback.openSockets()).isEqualTo(before);
        } finally {
            for (Socket s : many) s.close();
        }
    }

    @Test
    void aControlBufferTooSmallIsMsgCtruncAndWhatArrivedIsClosed() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.SEQPACKET);
        List<Socket> three = new ArrayList<>();
        try (Socket a = pair[0]; Socket b = pair[1]) {
            for (int i = 0; i < 3; i++) three.add(Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT));
            int before = Loopback.openSockets();
            a.sendmsg(ascii("x"), three);
            assertThatThrownBy(() -> b.recvmsg(ByteBuffer.allocate(1), 1))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("recvmsg")
                    .hasMessageContaining("MSG_CTRUNC")
                    .hasMessageNotContaining("\n");
            assertThat(Loopback.openSockets()).as("nothing leaked").isEqualTo(before);
        } finally {
            for (Socket s : three) s.close();
        }
    }

    @Test
    void credentialsComeWithTheMessageWhenTheReceiverAsksForThem() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.DGRAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            b.setOption(SockOpt.SO_PASSCRED, true);
            a.sendmsg(ascii("me"), List.of(), PeerCred.ofThisProcess());
            Message m = b.recvmsg(ByteBuffer.allocate(8), 0);
            assertThat(m.credentials()).isEqualTo(new PeerCred((int) ProcessHandle.current().pid(), Loopback.uid(), Loopback.gid()));
        }
    }

    @Test
    void aDatagramLongerThanTheRoomIsMarkedTruncated() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.DGRAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            a.sendmsg(ascii("abcdef"), List.of());
            ByteBuffer dst = ByteBuffer.allocate(3);
            Message m = b.recvmsg(dst, 0);
            assertThat(m.truncated()).isTrue();
            assertThat(new String(dst.array(), StandardCharsets.US_ASCII)).isEqualTo("abc");
        }
    }

    @Test
    void theEndOfAStreamIsMinusOne() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            a.shutdown(Shutdown.WRITE);
            assertThat(b.recvmsg(ByteBuffer.allocate(4), 1).length()).isEqualTo(-1);
        }
    }

    @Test
    void aPassedDescriptorThatIsNotASocketIsClosedWhenAdoptionFails() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            int before = Loopback.openSockets();
            Socket[] other = Socket.pair(Family.LOCAL, SocketType.STREAM);
            a.sendmsg(ascii("x"), List.of(other[0]));
            other[0].close();
            other[1].close();
            PassedDescriptor d = b.recvmsg(ByteBuffer.allocate(1), 1).rights().getFirst();
            try (Socket s = d.adopt()) {
                assertThat(s.type()).isEqualTo(SocketType.STREAM);
                assertThatThrownBy(d::adopt).isInstanceOf(IllegalStateException.class);
            }
            assertThat(Loopback.openSockets()).isEqualTo(before);
        }
    }

    @Test
    void aListenerPassedToAnotherProcessKeepsAcceptingThere() throws Exception {
        Path dir = Files.createTempDirectory("jsock-pass");
        Path path = dir.resolve("control.sock");
        Process child = null;
        try (Socket control = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
             Socket listener = Loopback.listener(8)) {
            control.bind(SockAddr.parse(path.toString()));
            control.listen(1);
            control.setTimeout(LONG);
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp",
                    location(Libc.class) + File.pathSeparator + location(AcceptOnPassedListener.class),
                    AcceptOnPassedListener.class.getName(), path.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
            try (Socket toChild = control.accept().socket()) {
                toChild.setTimeout(LONG);
                toChild.setOption(SockOpt.SO_PASSCRED, true);
                Message ready = toChild.recvmsg(ByteBuffer.allocate(8), 0);
                assertThat(ready.credentials()).as("the sender's own pid and uid")
                        .isEqualTo(new PeerCred((int) child.pid(), Loopback.uid(), Loopback.gid()));
                toChild.sendmsg(ascii("L"), List.of(listener));
            }
            SockAddr where = listener.getsockname();
            listener.close(); // ours only: the child's descriptor keeps the listening socket
            try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                c.setTimeout(LONG);
                c.connect(where);
                String line = new String(c.inputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(line).isEqualTo("accepted by " + child.pid() + "\n");
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(Files.readString(dir.resolve("child.out"))).isZero();
        } finally {
            if (child != null) {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir.resolve("child.out"));
            Files.delete(dir);
        }
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
