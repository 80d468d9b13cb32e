package io.jsock.socket.event;

import io.jsock.socket.GccLayout;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.internal.UringStructs;
import java.lang.foreign.StructLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every io_uring struct jsock lays out, field by field, against gcc's offsetof and sizeof with the kernel's own header. */
class IoUringStructsTest {

    /*
     * Fields a newer header renamed (io_sqring_offsets' resv2 became user_addr, io_uring_buf_reg's pad
     * flags, io_uring_getevents_arg's pad min_wait_usec) are left out by name: their slot is checked by
     * the neighbours' offsets and the size.
     */

    /** C struct name, jsock's layout, and the fields to compare (a path, as jsock names it, and the C member). */
    private record Struct(String c, StructLayout layout, Map<String, String> fields) {}

    private static final List<Struct> STRUCTS = List.of(
            new Struct("io_sqring_offsets", UringStructs.SQRING_OFFSETS, fields("head", "tail", "ring_mask", "ring_entries",
                    "flags", "dropped", "array", "resv1")),
            new Struct("io_cqring_offsets", UringStructs.CQRING_OFFSETS, fields("head", "tail", "ring_mask", "ring_entries",
                    "overflow", "cqes", "flags", "resv1")),
            new Struct("io_uring_params", UringStructs.PARAMS, fields("sq_entries", "cq_entries", "flags", "sq_thread_cpu",
                    "sq_thread_idle", "features", "wq_fd", "resv", "sq_off", "cq_off")),
            new Struct("io_uring_sqe", UringStructs.SQE, with(fields("opcode", "flags", "ioprio", "fd", "off", "addr", "len",
                    "user_data", "buf_index", "personality", "file_index", "addr3"),
                    "op_flags", "msg_flags")),
            new Struct("io_uring_cqe", UringStructs.CQE, fields("user_data", "res", "flags")),
            new Struct("io_uring_buf", UringStructs.BUF, fields("addr", "len", "bid", "resv")),
            new Struct("io_uring_buf_reg", UringStructs.BUF_REG, fields("ring_addr", "ring_entries", "bgid", "resv")),
            new Struct("io_uring_getevents_arg", UringStructs.GETEVENTS_ARG, fields("sigmask", "sigmask_sz", "ts")),
            new Struct("__kernel_timespec", UringStructs.KERNEL_TIMESPEC, fields("tv_sec", "tv_nsec")));

    private static Map<String, String> fields(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) m.put(n, n);
        return m;
    }

    private static Map<String, String> with(Map<String, String> m, String jsock, String c) {
        m.put(jsock, c);
        return m;
    }

    @Test
    void everyFieldSitsWhereGccPutsItWithTheKernelsHeader() throws Exception {
        GccLayout gcc = GccLayout.of("#include <linux/io_uring.h>", "#include <linux/time_types.h>");
        for (Struct s : STRUCTS) {
            gcc.size(s.c, s.layout.byteSize());
            for (var f : s.fields.entrySet()) gcc.offset(s.c, f.getValue(), UringStructs.offset(s.layout, f.getKey()));
        }
        gcc.matchesGcc();
    }

    @Test
    void theHotPathsOffsetsAreTheLayoutsOwn() {
        assertThat(UringStructs.SQE.byteSize()).isEqualTo(64);
        assertThat(UringStructs.CQE.byteSize()).isEqualTo(16);
        assertThat(UringStructs.SQE_USER_DATA).isEqualTo(32);
        assertThat(UringStructs.SQE_BUF_INDEX).isEqualTo(40);
        assertThat(UringStructs.CQE_RES).isEqualTo(8);
        assertThat(UringStructs.BUF_RING_TAIL).as("the buffer ring's tail overlays entry 0's resv").isEqualTo(14);
    }
}
