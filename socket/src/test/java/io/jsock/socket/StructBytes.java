package io.jsock.socket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The memory the struct accessor tests write into, and its bytes as C on this machine reads them. */
public final class StructBytes {
    private StructBytes() {}

    /**
     * Zeroed memory for a struct (or an array of them), 8-byte aligned as the C structs are.
     *
     * @param size its size in bytes: an accessor that writes past it fails
     * @return a segment of exactly {@code size} bytes
     */
    public static MemorySegment zeroed(long size) {
        return MemorySegment.ofArray(new long[(int) ((size + 7) / 8)]).asSlice(0, size);
    }

    /**
     * The bytes of {@code s}, copied, in host order (little-endian on x86_64 and aarch64); a test that
     * reads a field in network order switches the buffer's order.
     *
     * @param s the struct's memory
     * @return a buffer over a copy of its bytes
     */
    public static ByteBuffer hostOrder(MemorySegment s) {
        return ByteBuffer.wrap(s.toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.nativeOrder());
    }
}
