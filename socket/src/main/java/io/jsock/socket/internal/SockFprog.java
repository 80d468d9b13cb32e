package io.jsock.socket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct sock_filter} and {@code struct sock_fprog} (linux/filter.h): a classic BPF program as
 * {@code SO_ATTACH_FILTER} takes it: a length and a pointer to the instructions.
 */
public final class SockFprog {
    private SockFprog() {}

    /** {@code struct sock_filter}: {@code __u16 code; __u8 jt; __u8 jf; __u32 k;} */
    public static final StructLayout SOCK_FILTER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("code"),
            JAVA_BYTE.withName("jt"),
            JAVA_BYTE.withName("jf"),
            JAVA_INT.withName("k"));
    /** {@code struct sock_fprog}: {@code unsigned short len; struct sock_filter *filter;} */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_SHORT.withName("len"),
            MemoryLayout.paddingLayout(ADDRESS.byteSize() - 2),
            ADDRESS.withName("filter"));

    private static final VarHandle CODE = SOCK_FILTER.arrayElementVarHandle(groupElement("code"));
    private static final VarHandle JT = SOCK_FILTER.arrayElementVarHandle(groupElement("jt"));
    private static final VarHandle JF = SOCK_FILTER.arrayElementVarHandle(groupElement("jf"));
    private static final VarHandle K = SOCK_FILTER.arrayElementVarHandle(groupElement("k"));
    private static final VarHandle LEN = LAYOUT.varHandle(groupElement("len"));
    private static final VarHandle FILTER = LAYOUT.varHandle(groupElement("filter"));

    public static int code(MemorySegment s, long i) { return Short.toUnsignedInt((short) CODE.get(s, 0L, i)); }
    public static void code(MemorySegment s, long i, int v) { CODE.set(s, 0L, i, (short) v); }
    public static int jt(MemorySegment s, long i) { return Byte.toUnsignedInt((byte) JT.get(s, 0L, i)); }
    public static void jt(MemorySegment s, long i, int v) { JT.set(s, 0L, i, (byte) v); }
    public static int jf(MemorySegment s, long i) { return Byte.toUnsignedInt((byte) JF.get(s, 0L, i)); }
    public static void jf(MemorySegment s, long i, int v) { JF.set(s, 0L, i, (byte) v); }
    public static int k(MemorySegment s, long i) { return (int) K.get(s, 0L, i); }
    public static void k(MemorySegment s, long i, int v) { K.set(s, 0L, i, v); }

    public static int len(MemorySegment s) { return Short.toUnsignedInt((short) LEN.get(s, 0L)); }
    public static void len(MemorySegment s, int v) { LEN.set(s, 0L, (short) v); }
    public static MemorySegment filter(MemorySegment s) { return (MemorySegment) FILTER.get(s, 0L); }
    public static void filter(MemorySegment s, MemorySegment v) { FILTER.set(s, 0L, v); }
}
