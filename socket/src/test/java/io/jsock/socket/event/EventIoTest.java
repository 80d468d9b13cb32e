package io.jsock.socket.event;

import io.jsock.socket.Family;
import io.jsock.socket.Shutdown;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** EventIo's recv and send on a descriptor number: results as values, and lengths checked against the memory given. */
class EventIoTest {

    @Test
    void recvAndSendReportDataEndAndWouldBlockAsValues() throws IOException {
        Socket[] p = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = p[0]; Socket b = p[1]; Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            assertThat(EventIo.recv(b.fd(), buf, 16)).isEqualTo(EventIo.UNAVAILABLE);
            MemorySegment msg = MemorySegment.ofArray("xxhello".getBytes());
            assertThat(EventIo.send(a.fd(), msg, 2, 5)).isEqualTo(5);
            assertThat(EventIo.recv(b.fd(), buf, 16)).isEqualTo(5);
            assertThat(new String(buf.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE))).isEqualTo("hello");
            a.shutdown(Shutdown.WRITE);
            assertThat(EventIo.recv(b.fd(), buf, 16)).isEqualTo(EventIo.END);
        }
    }

    @Test
    void aLengthBeyondTheMemoryGivenOrReadOnlyMemoryIsRefusedBeforeTheKernelSeesIt() throws IOException {
        Socket[] p = Socket.pair(Family.LOCAL, SocketType.STREAM);
        try (Socket a = p[0]; Socket b = p[1]) {
            a.writeFully(new byte[64]);
            MemorySegment small = MemorySegment.ofArray(new byte[8]);
            assertThatThrownBy(() -> EventIo.recv(b.fd(), small, 64)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> EventIo.send(a.fd(), small, 0, 9)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> EventIo.send(a.fd(), small, 4, 5)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> EventIo.recv(b.fd(), small.asReadOnly(), 8)).isInstanceOf(IllegalArgumentException.class);
            assertThat(small.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsOnly(0);
        }
    }
}
