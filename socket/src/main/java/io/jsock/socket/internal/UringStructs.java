package io.jsock.socket.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * The structs of {@code <linux/io_uring.h>} that jsock lays out, each once, with the names the header
 * gives its fields. They have natural alignment and fixed-size fields, so x86_64 and aarch64 lay them
 * out alike ({@code IoUringStructsTest} asks gcc for every offset on the machine it runs on).
 *
 * <p>Only the fields jsock reads or writes are named; the others are padding of the header's size.
 * Where the header has a union, the member jsock uses names the slot ({@code op_flags} for
 * {@code rw_flags}/{@code msg_flags}/{@code accept_flags}/..., {@code buf_index} for
 * {@code buf_group}).
 */
public final class UringStructs {
    private UringStructs() {}

    /** {@code struct io_sqring_offsets}: where each field of the submission ring sits in its mapping. */
    public static final StructLayout SQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("flags"), JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr"));

    /** {@code struct io_cqring_offsets}: where each field of the completion ring sits in its mapping. */
    public static final StructLayout CQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("overflow"), JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr"));

    /** {@code struct io_uring_params}: what io_uring_setup(2) is asked for and answers. */
    public static final StructLayout PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"), JAVA_INT.withName("cq_entries"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"), JAVA_INT.withName("sq_thread_idle"), JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            SQRING_OFFSETS.withName("sq_off"), CQRING_OFFSETS.withName("cq_off"));

    /** {@code struct io_uring_sqe}: one submission, 64 bytes. */
    public static final StructLayout SQE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"), JAVA_BYTE.withName("flags"), JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"), JAVA_LONG.withName("off"), JAVA_LONG.withName("addr"), JAVA_INT.withName("len"),
            JAVA_INT.withName("op_flags"), JAVA_LONG.withName("user_data"), JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("personality"), JAVA_INT.withName("file_index"), JAVA_LONG.withName("addr3"),
            MemoryLayout.paddingLayout(8));

    /** {@code struct io_uring_cqe}: one completion, 16 bytes (no IORING_SETUP_CQE32). */
    public static final StructLayout CQE = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"), JAVA_INT.withName("res"), JAVA_INT.withName("flags"));

    /** {@code struct io_uring_buf}: one provided buffer in a buffer ring; the ring's tail overlays {@code resv} of entry 0. */
    public static final StructLayout BUF = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"), JAVA_INT.withName("len"), JAVA_SHORT.withName("bid"), JAVA_SHORT.withName("resv"));

    /** {@code struct io_uring_buf_reg}: IORING_REGISTER_PBUF_RING's argument. */
    public static final StructLayout BUF_REG = MemoryLayout.structLayout(
            JAVA_LONG.withName("ring_addr"), JAVA_INT.withName("ring_entries"), JAVA_SHORT.withName("bgid"),
            JAVA_SHORT.withName("flags"), MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("resv"));

    /** {@code struct io_uring_getevents_arg}: io_uring_enter(2)'s argument with IORING_ENTER_EXT_ARG. */
    public static final StructLayout GETEVENTS_ARG = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"), JAVA_INT.withName("sigmask_sz"), JAVA_INT.withName("min_wait_usec"),
            JAVA_LONG.withName("ts"));

    /** {@code struct __kernel_timespec}: 64-bit seconds and nanoseconds on every architecture. */
    public static final StructLayout KERNEL_TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

    /** The byte offset of {@code field} (a path such as {@code "sq_off", "head"}) in {@code layout}. */
    public static long offset(StructLayout layout, String... field) {
        PathElement[] path = new PathElement[field.length];
        for (int i = 0; i < field.length; i++) path[i] = PathElement.groupElement(field[i]);
        return layout.byteOffset(path);
    }

    // Offsets the ring's hot path uses, computed once.
    public static final long SQE_OPCODE = offset(SQE, "opcode"), SQE_FLAGS = offset(SQE, "flags"),
            SQE_IOPRIO = offset(SQE, "ioprio"), SQE_FD = offset(SQE, "fd"), SQE_OFF = offset(SQE, "off"),
            SQE_ADDR = offset(SQE, "addr"), SQE_LEN = offset(SQE, "len"), SQE_OP_FLAGS = offset(SQE, "op_flags"),
            SQE_USER_DATA = offset(SQE, "user_data"), SQE_BUF_INDEX = offset(SQE, "buf_index");
    public static final long CQE_USER_DATA = offset(CQE, "user_data"), CQE_RES = offset(CQE, "res"),
            CQE_FLAGS = offset(CQE, "flags");
    public static final long BUF_ADDR = offset(BUF, "addr"), BUF_LEN = offset(BUF, "len"), BUF_BID = offset(BUF, "bid"),
            BUF_RING_TAIL = offset(BUF, "resv");
}
