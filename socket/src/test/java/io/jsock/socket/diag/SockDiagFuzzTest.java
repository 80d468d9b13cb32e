package io.jsock.socket.diag;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sock_diag's reply parser fed random and truncated netlink datagrams by Jazzer, from well-formed seeds
 * (an IPv4 and an IPv6 socket with its INET_DIAG_SKV6ONLY attribute, an error, the end of the dump):
 * each is read, or refused with an IOException naming the errno (EBADMSG); never another exception.
 * In the suite: the seeds, then {@code jsock.fuzz.seconds} of fuzzing (the parent pom's fuzz profile).
 */
class SockDiagFuzzTest {
    private static final int SEQ = 7;

    static Stream<Arguments> seeds() {
        return Stream.of(
                concat(message(20, diagMsg(2, new byte[] {127, 0, 0, 1}, null)), message(3, new byte[4])),
                concat(message(20, diagMsg(10, new byte[16], new byte[] {5, 0, 5, 0, 1, 0, 0, 0})), message(3, new byte[4])),
                message(2, new byte[] {-2, -1, -1, -1, 0, 0, 0, 0}), // NLMSG_ERROR -2: ENOENT
                message(3, new byte[] {-95, -1, -1, -1}), // NLMSG_DONE with -95
                Arrays.copyOf(message(20, diagMsg(2, new byte[] {127, 0, 0, 1}, null)), 40)) // truncated
                .map(b -> Arguments.of((Object) b));
    }

    @MethodSource("seeds")
    @FuzzTest
    void replies(byte[] input) {
        List<DiagSocket> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) { // native and aligned, as the buffer recvfrom fills
            MemorySegment datagram = arena.allocate(Math.max(1, input.length), 8).asSlice(0, input.length);
            MemorySegment.copy(MemorySegment.ofArray(input), 0, datagram, 0, input.length);
            SockDiag.readReply(datagram, SEQ, "fuzz", out);
            out.forEach(DiagSocket::toString); // every field readable
        } catch (IOException e) {
            assertThat(e).as("input %s", Arrays.toString(input)).isInstanceOf(SyscallFailure.class);
        }
    }

    /** nlmsghdr (len, type, flags, seq, pid) and the payload, padded to 4. */
    private static byte[] message(int type, byte[] payload) {
        int len = 16 + payload.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) type).putShort((short) 2).putInt(SEQ).putInt(0).put(payload);
        return b.array();
    }

    /** inet_diag_msg: family, state, timer, retrans, the socket id, expires, rqueue, wqueue, uid, inode; then an attribute. */
    private static byte[] diagMsg(int family, byte[] src, byte[] attribute) {
        ByteBuffer b = ByteBuffer.allocate(72 + (attribute == null ? 0 : attribute.length)).order(ByteOrder.nativeOrder());
        b.put((byte) family).put((byte) 10).put((byte) 0).put((byte) 0);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) 9877).putShort((short) 0).order(ByteOrder.nativeOrder());
        b.put(Arrays.copyOf(src, 16)).put(new byte[16]).putInt(1).putInt(0).putInt(0);
        b.putInt(0).putInt(0).putInt(128).putInt(0).putInt(12345);
        if (attribute != null) b.put(attribute);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
