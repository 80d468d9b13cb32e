package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A Socket counts the bytes its own calls moved: every read and write path, a peek not, a dup its own. */
class ByteCountTest {

    @Test
    void everyReadAndWriteIsCountedOnceAndAPeekIsNot() throws Exception {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = pair[0]; Socket b = pair[1]) {
            a.writeFully(new byte[1000]);
            a.write(ByteBuffer.wrap(new byte[24]));
            a.send(ByteBuffer.wrap(new byte[6]));
            a.outputStream().write(new byte[70]);
            assertThat(a.bytesSent()).isEqualTo(1100);
            assertThat(b.recv(ByteBuffer.allocate(10), MsgFlag.PEEK)).isEqualTo(10);
            assertThat(b.bytesReceived()).as("a peek takes nothing").isZero();
            b.readFully(ByteBuffer.allocate(1000));
            assertThat(b.read(new byte[50])).isEqualTo(50);
            assertThat(b.inputStream().readNBytes(50)).hasSize(50);
            assertThat(b.bytesReceived()).isEqualTo(1100);
            assertThat(b.bytesSent()).isZero();
            try (Socket twin = a.dup()) {
                twin.writeFully(new byte[5]);
                assertThat(twin.bytesSent()).isEqualTo(5);
                assertThat(a.bytesSent()).as("each descriptor object counts its own").isEqualTo(1100);
            }
        }
    }

    @Test
    void datagramsAreCountedBySendtoAndRecvfrom() throws Exception {
        try (Socket r = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP);
                Socket s = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP)) {
            r.bind(SockAddr.loopback4(0));
            s.sendto(ByteBuffer.wrap(new byte[33]), r.getsockname());
            assertThat(r.recvfrom(ByteBuffer.allocate(100)).length()).isEqualTo(33);
            assertThat(s.bytesSent()).isEqualTo(33);
            assertThat(r.bytesReceived()).isEqualTo(33);
        }
    }
}
