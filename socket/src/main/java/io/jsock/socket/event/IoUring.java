package io.jsock.socket.event;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.Fd;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;
import io.jsock.socket.internal.UringStructs;

import static io.jsock.socket.internal.UringStructs.BUF_ADDR;
import static io.jsock.socket.internal.UringStructs.BUF_BID;
import static io.jsock.socket.internal.UringStructs.BUF_LEN;
import static io.jsock.socket.internal.UringStructs.BUF_RING_TAIL;
import static io.jsock.socket.internal.UringStructs.CQE_FLAGS;
import static io.jsock.socket.internal.UringStructs.CQE_RES;
import static io.jsock.socket.internal.UringStructs.CQE_USER_DATA;
import static io.jsock.socket.internal.UringStructs.SQE_ADDR;
import static io.jsock.socket.internal.UringStructs.SQE_BUF_INDEX;
import static io.jsock.socket.internal.UringStructs.SQE_FD;
import static io.jsock.socket.internal.UringStructs.SQE_FLAGS;
import static io.jsock.socket.internal.UringStructs.SQE_IOPRIO;
import static io.jsock.socket.internal.UringStructs.SQE_LEN;
import static io.jsock.socket.internal.UringStructs.SQE_OPCODE;
import static io.jsock.socket.internal.UringStructs.SQE_OP_FLAGS;
import static io.jsock.socket.internal.UringStructs.SQE_USER_DATA;
import static io.jsock.socket.internal.UringStructs.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * An io_uring(7) instance: a submission ring and a completion ring shared with the kernel, bound with
 * io_uring_setup(2), io_uring_enter(2), io_uring_register(2) and mmap(2), no liburing. For one thread's
 * event loop: every method except {@link #close} must be called from one thread (with
 * {@link #SETUP_SINGLE_ISSUER}, the thread that opened it; the kernel refuses any other).
 *
 * <p>Use: prepare submissions ({@link #accept}, {@link #recvMultishot}, {@link #send}, ...; each takes
 * the 64-bit {@code userData} its completion will carry), then {@link #submitAndWait} once per loop
 * turn, which hands every prepared submission to the kernel and waits for completions in the same
 * system call; then read the completions ({@link #ready}, {@link #userData}, {@link #result},
 * {@link #flags}) and {@link #advance} past them.
 *
 * <p>The rings' head and tail are shared with the kernel: the tail this side publishes (the submission
 * tail, a buffer ring's tail) is stored with release semantics after the entries it covers are
 * written, and the kernel's (the completion tail, the submission head) are loaded with acquire
 * semantics before the entries are read, as liburing's {@code io_uring_smp_store_release} and
 * {@code io_uring_smp_load_acquire} do.
 *
 * <p>A completion's {@link #result} is what the operation's system call would return, or minus its
 * errno ({@link #errno(int)} names it).
 */
public final class IoUring implements AutoCloseable {
    /** IORING_SETUP_CQSIZE: the completion ring's size is asked for, not twice the submission ring's. */
    public static final int SETUP_CQSIZE = 1 << 3;
    /** IORING_SETUP_SUBMIT_ALL: one submission that fails does not stop the ones after it (5.18). */
    public static final int SETUP_SUBMIT_ALL = 1 << 7;
    /** IORING_SETUP_COOP_TASKRUN: completions are not posted by interrupting the thread (5.19). */
    public static final int SETUP_COOP_TASKRUN = 1 << 8;
    /** IORING_SETUP_SINGLE_ISSUER: only the thread that made the ring submits to it (6.0). */
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;
    /** IORING_SETUP_DEFER_TASKRUN: completions are posted only when the issuer waits for them (6.1; needs SINGLE_ISSUER). */
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;

    /** IORING_FEAT_NODROP: completions the completion ring has no room for are kept, not dropped. */
    public static final int FEAT_NODROP = 1 << 1;
    /** IORING_FEAT_EXT_ARG: io_uring_enter takes a timeout (needed here). */
    public static final int FEAT_EXT_ARG = 1 << 8;

    /** IORING_CQE_F_BUFFER: the completion used a provided buffer, its id in the upper 16 bits of the flags. */
    public static final int CQE_F_BUFFER = 1;
    /** IORING_CQE_F_MORE: a multishot operation stays armed: more completions will come. */
    public static final int CQE_F_MORE = 1 << 1;

    /** IORING_SQ_CQ_OVERFLOW: completions are waiting in the kernel's overflow list. */
    private static final int SQ_CQ_OVERFLOW = 1 << 1;

    // Opcodes, submission flags and operation flags of <linux/io_uring.h>.
    private static final byte OP_NOP = 0, OP_POLL_ADD = 6, OP_ACCEPT = 13, OP_ASYNC_CANCEL = 14, OP_SEND = 26,
            OP_RECV = 27, OP_SHUTDOWN = 34;
    private static final byte IOSQE_IO_LINK = 1 << 2, IOSQE_BUFFER_SELECT = 1 << 5;
    private static final short ACCEPT_MULTISHOT = 1, RECV_MULTISHOT = 1 << 1;
    private static final int POLL_ADD_MULTI = 1;
    private static final int ASYNC_CANCEL_ALL = 1, ASYNC_CANCEL_FD = 1 << 1, ASYNC_CANCEL_ANY = 1 << 2;
    private static final int ENTER_GETEVENTS = 1, ENTER_EXT_ARG = 1 << 3;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final long OFF_SQ_RING = 0, OFF_SQES = 0x10000000L;
    private static final int REGISTER_PBUF_RING = 22, UNREGISTER_PBUF_RING = 23;

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();
    private static final long SQE_SIZE = UringStructs.SQE.byteSize(), CQE_SIZE = UringStructs.CQE.byteSize();

    private final Fd fd;
    private final int flags, features, sqEntries, cqEntries, sqMask, cqMask;
    private final MemorySegment rings;    // the SQ and CQ rings, one mapping (IORING_FEAT_SINGLE_MMAP)
    private final MemorySegment sqes;     // the submission entries, a mapping of their own
    private final long sqHead, sqTail, sqFlags, cqHead, cqTail, cqOverflow, cqes;
    private final MemorySegment waitArg;  // io_uring_getevents_arg, then a __kernel_timespec
    // Freed by the GC, never by close: a kernel still finishing a cancelled operation may write here.
    private final Arena arena = Arena.ofAuto();

    // The owning thread only.
    private int tail;      // the submission tail this side has written up to (published at submit)
    private int pending;   // prepared and not yet consumed by the kernel
    private long lastSqe = -1;
    private int head;      // the completion head this side has read up to (published at advance)

    private IoUring(int fd, MemorySegment params) throws IOException {
        this.fd = new Fd(fd);
        this.flags = params.get(JAVA_INT, offset(UringStructs.PARAMS, "flags"));
        this.features = params.get(JAVA_INT, offset(UringStructs.PARAMS, "features"));
        this.sqEntries = params.get(JAVA_INT, offset(UringStructs.PARAMS, "sq_entries"));
        this.cqEntries = params.get(JAVA_INT, offset(UringStructs.PARAMS, "cq_entries"));
        long sq = offset(UringStructs.PARAMS, "sq_off"), cq = offset(UringStructs.PARAMS, "cq_off");
        int sqArray = params.get(JAVA_INT, sq + offset(UringStructs.SQRING_OFFSETS, "array"));
        int cqesOff = params.get(JAVA_INT, cq + offset(UringStructs.CQRING_OFFSETS, "cqes"));
        long ringSize = Math.max(sqArray + 4L * sqEntries, cqesOff + CQE_SIZE * cqEntries);
        if ((features & FEAT_SINGLE_MMAP) == 0) {
            throw new ErrnoException("io_uring_setup", Errno.EOPNOTSUPP.number(), null, "this kernel has no IORING_FEAT_SINGLE_MMAP (before 5.4)");
        }
        this.rings = map(ringSize, OFF_SQ_RING);
        MemorySegment s;
        try {
            s = map(SQE_SIZE * sqEntries, OFF_SQES);
        } catch (IOException e) {
            Libc.munmap(rings, rings.byteSize());
            throw e;
        }
        this.sqes = s;
        this.sqHead = params.get(JAVA_INT, sq + offset(UringStructs.SQRING_OFFSETS, "head"));
        this.sqTail = params.get(JAVA_INT, sq + offset(UringStructs.SQRING_OFFSETS, "tail"));
        this.sqFlags = params.get(JAVA_INT, sq + offset(UringStructs.SQRING_OFFSETS, "flags"));
        this.sqMask = rings.get(JAVA_INT, params.get(JAVA_INT, sq + offset(UringStructs.SQRING_OFFSETS, "ring_mask")));
        this.cqHead = params.get(JAVA_INT, cq + offset(UringStructs.CQRING_OFFSETS, "head"));
        this.cqTail = params.get(JAVA_INT, cq + offset(UringStructs.CQRING_OFFSETS, "tail"));
        this.cqOverflow = params.get(JAVA_INT, cq + offset(UringStructs.CQRING_OFFSETS, "overflow"));
        this.cqMask = rings.get(JAVA_INT, params.get(JAVA_INT, cq + offset(UringStructs.CQRING_OFFSETS, "ring_mask")));
        this.cqes = cqesOff;
        // The submission array maps ring slots to entries: identity, once (liburing does the same).
        for (int i = 0; i < sqEntries; i++) rings.set(JAVA_INT, sqArray + 4L * i, i);
        this.tail = (int) INT.getAcquire(rings, sqTail);
        this.head = (int) INT.getAcquire(rings, cqHead);
        this.waitArg = arena.allocate(UringStructs.GETEVENTS_ARG.byteSize() + UringStructs.KERNEL_TIMESPEC.byteSize(), 8);
    }

    private MemorySegment map(long size, long offset) throws IOException {
        MemorySegment m = Libc.mmap(MemorySegment.NULL, size, Constants.PROT_READ | Constants.PROT_WRITE,
                Constants.MAP_SHARED | Constants.MAP_POPULATE, fd.fd, offset);
        if (m.address() == -1L) throw IoStatus.failure("mmap", "io_uring fd " + fd.fd);
        return m.reinterpret(size);
    }

    /**
     * io_uring_setup(2): a ring of {@code entries} submissions and {@code cqEntries} completions, with
     * {@code flags} ({@link #SETUP_SINGLE_ISSUER}, ...; {@link #SETUP_CQSIZE} is added when
     * {@code cqEntries} is not 0). Its descriptor is close-on-exec (the kernel makes it so).
     *
     * @param entries   the submission ring's size (rounded up to a power of two by the kernel), at least 1
     * @param cqEntries the completion ring's size, or 0 for twice {@code entries}
     * @param flags     the IORING_SETUP_ flags
     * @return the open ring
     * @throws IOException what the kernel refused, as an {@link ErrnoException} naming io_uring_setup:
     *     EINVAL for a flag it does not know, EPERM when io_uring is disabled (kernel.io_uring_disabled,
     *     or a seccomp filter), ENOSYS on a kernel without io_uring, ENOMEM, EMFILE
     */
    public static IoUring open(int entries, int cqEntries, int flags) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(UringStructs.PARAMS);
            params.set(JAVA_INT, offset(UringStructs.PARAMS, "flags"), flags | (cqEntries > 0 ? SETUP_CQSIZE : 0));
            params.set(JAVA_INT, offset(UringStructs.PARAMS, "cq_entries"), cqEntries);
            int fd = Libc.io_uring_setup(entries, params);
            if (fd < 0) throw IoStatus.failure("io_uring_setup", null);
            boolean success = false;
            try {
                IoUring ring = new IoUring(fd, params);
                success = true;
                return ring;
            } finally {
                if (!success) Libc.close(fd);
            }
        }
    }

    /** {@return the IORING_SETUP_ flags the ring was made with} */
    public int setupFlags() {
        return flags;
    }

    /** {@return the IORING_FEAT_ bits this kernel reported} */
    public int features() {
        return features;
    }

    /** {@return the submission ring's size} */
    public int sqEntries() {
        return sqEntries;
    }

    /** {@return the completion ring's size} */
    public int cqEntries() {
        return cqEntries;
    }

    /** {@return the ring's descriptor} */
    public int fd() {
        return fd.fd;
    }

    // ---- submissions

    /**
     * The next free submission entry, zeroed, its offset in {@link #sqes}; when the ring is full, the
     * prepared ones are submitted first (io_uring_enter without waiting) to make room.
     */
    private long next(byte opcode, int sfd, long userData) throws IOException {
        int h = (int) INT.getAcquire(rings, sqHead);
        if (tail - h == sqEntries) {
            submit();
            h = (int) INT.getAcquire(rings, sqHead);
            if (tail - h == sqEntries) throw new ErrnoException("io_uring_enter", Errno.EBUSY.number(), null, "the submission ring is full");
        }
        long off = (tail & sqMask) * SQE_SIZE;
        for (long i = 0; i < SQE_SIZE; i += 8) sqes.set(JAVA_LONG, off + i, 0L);
        sqes.set(JAVA_BYTE, off + SQE_OPCODE, opcode);
        sqes.set(JAVA_INT, off + SQE_FD, sfd);
        sqes.set(JAVA_LONG, off + SQE_USER_DATA, userData);
        tail++;
        pending++;
        lastSqe = off;
        return off;
    }

    /**
     * IORING_OP_NOP: completes at once with result 0.
     *
     * @param userData what its completion carries
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void nop(long userData) throws IOException {
        next(OP_NOP, -1, userData);
    }

    /**
     * IORING_OP_ACCEPT on a listening socket: each completion's result is a connected descriptor,
     * non-blocking and close-on-exec (accept4's flags), or minus an errno. No peer address: ask
     * getpeername(2).
     *
     * @param listenFd  the listening socket
     * @param multishot true: one completion per connection ({@link #CQE_F_MORE} while it stays armed);
     *                  false: one connection
     * @param userData  what its completions carry
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void accept(int listenFd, boolean multishot, long userData) throws IOException {
        long off = next(OP_ACCEPT, listenFd, userData);
        sqes.set(JAVA_INT, off + SQE_OP_FLAGS, Constants.SOCK_NONBLOCK | Constants.SOCK_CLOEXEC);
        if (multishot) sqes.set(JAVA_SHORT, off + SQE_IOPRIO, ACCEPT_MULTISHOT);
    }

    /**
     * IORING_OP_RECV, multishot, into buffers of a {@link BufferRing}: one completion per arrival,
     * {@link #CQE_F_BUFFER} set and {@link #bufferId} naming the buffer, the result its byte count;
     * 0 is the peer's FIN and ends it, as does an error (ENOBUFS: the buffer ring ran dry).
     *
     * @param sfd      a connected socket
     * @param group    the buffer ring's group id
     * @param userData what its completions carry
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void recvMultishot(int sfd, int group, long userData) throws IOException {
        long off = next(OP_RECV, sfd, userData);
        sqes.set(JAVA_BYTE, off + SQE_FLAGS, IOSQE_BUFFER_SELECT);
        sqes.set(JAVA_SHORT, off + SQE_IOPRIO, RECV_MULTISHOT);
        sqes.set(JAVA_SHORT, off + SQE_BUF_INDEX, (short) group);
    }

    /**
     * IORING_OP_SEND of {@code len} bytes at {@code buf} with MSG_NOSIGNAL and MSG_WAITALL (the kernel
     * sends all of them before it completes, unless the connection fails). {@code buf} must stay valid
     * and unchanged until the completion.
     *
     * @param sfd      a connected socket
     * @param buf      native memory holding the bytes
     * @param len      how many
     * @param userData what its completion carries
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void send(int sfd, MemorySegment buf, int len, long userData) throws IOException {
        if (!buf.isNative()) throw new IllegalArgumentException("io_uring sends from native memory only");
        long off = next(OP_SEND, sfd, userData);
        sqes.set(JAVA_LONG, off + SQE_ADDR, buf.address());
        sqes.set(JAVA_INT, off + SQE_LEN, len);
        sqes.set(JAVA_INT, off + SQE_OP_FLAGS, Constants.MSG_NOSIGNAL | Constants.MSG_WAITALL);
    }

    /**
     * IORING_OP_SHUTDOWN: shutdown(2) of a socket.
     *
     * @param sfd      a socket
     * @param how      {@code SHUT_RD} 0, {@code SHUT_WR} 1, {@code SHUT_RDWR} 2
     * @param userData what its completion carries
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void shutdown(int sfd, int how, long userData) throws IOException {
        long off = next(OP_SHUTDOWN, sfd, userData);
        sqes.set(JAVA_INT, off + SQE_LEN, how);
    }

    /**
     * IORING_OP_POLL_ADD, multishot: a completion (its result the poll bits) each time {@code pfd}
     * becomes ready for {@code events}.
     *
     * @param pfd      any pollable descriptor (an eventfd)
     * @param events   the POLL bits to watch for (POLLIN 1)
     * @param userData what its completions carry
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void pollMultishot(int pfd, int events, long userData) throws IOException {
        long off = next(OP_POLL_ADD, pfd, userData);
        sqes.set(JAVA_INT, off + SQE_LEN, POLL_ADD_MULTI);
        sqes.set(JAVA_INT, off + SQE_OP_FLAGS, events);
    }

    /**
     * IORING_OP_POLL_ADD, once: one completion (its result the poll bits, or minus an errno) the
     * next time {@code pfd} is ready for {@code events}, or hung up or in error.
     *
     * @param pfd      any pollable descriptor (a socket)
     * @param events   the POLL bits to watch for (POLLIN 1, POLLRDHUP 0x2000)
     * @param userData what its completion carries
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void poll(int pfd, int events, long userData) throws IOException {
        long off = next(OP_POLL_ADD, pfd, userData);
        sqes.set(JAVA_INT, off + SQE_OP_FLAGS, events);
    }

    /**
     * IORING_OP_ASYNC_CANCEL of every operation in flight on descriptor {@code target}: each ends with
     * a completion of its own (ECANCELED, or its result if it was already done), and this one's result
     * is how many were found (ENOENT: none).
     *
     * @param target   the descriptor whose operations end
     * @param userData what this cancellation's completion carries
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void cancelFd(int target, long userData) throws IOException {
        long off = next(OP_ASYNC_CANCEL, target, userData);
        sqes.set(JAVA_INT, off + SQE_OP_FLAGS, ASYNC_CANCEL_FD | ASYNC_CANCEL_ALL);
    }

    /**
     * IORING_OP_ASYNC_CANCEL of every operation in flight carrying {@code target} as its user data.
     *
     * @param target   the user data of the operations to end
     * @param userData what this cancellation's completion carries
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void cancel(long target, long userData) throws IOException {
        long off = next(OP_ASYNC_CANCEL, -1, userData);
        sqes.set(JAVA_LONG, off + SQE_ADDR, target);
        sqes.set(JAVA_INT, off + SQE_OP_FLAGS, ASYNC_CANCEL_ALL);
    }

    /**
     * IORING_OP_ASYNC_CANCEL of every operation in flight on this ring.
     *
     * @param userData what this cancellation's completion carries
     * @throws IOException when the ring is full and cannot be emptied
     */
    public void cancelAll(long userData) throws IOException {
        long off = next(OP_ASYNC_CANCEL, -1, userData);
        sqes.set(JAVA_INT, off + SQE_OP_FLAGS, ASYNC_CANCEL_ANY);
    }

    /**
     * Links the last prepared submission to the next one (IOSQE_IO_LINK): the next starts only when
     * this one has completed, and is cancelled (ECANCELED) if this one fails or falls short.
     *
     * @throws IllegalStateException if nothing was prepared since the last submit
     */
    public void linkNext() {
        if (lastSqe < 0 || pending == 0) throw new IllegalStateException("no submission to link");
        sqes.set(JAVA_BYTE, lastSqe + SQE_FLAGS, (byte) (sqes.get(JAVA_BYTE, lastSqe + SQE_FLAGS) | IOSQE_IO_LINK));
    }

    /**
     * {@return the submissions prepared and not yet handed to the kernel}
     */
    public int pending() {
        return pending;
    }

    /**
     * io_uring_enter(2) without waiting: hands the prepared submissions to the kernel.
     *
     * @return how many it took
     * @throws IOException what io_uring_enter failed with, other than EINTR, EAGAIN and EBUSY (which
     *     leave the submissions for the next call)
     */
    public int submit() throws IOException {
        return enter(0, 0, -1);
    }

    /**
     * io_uring_enter(2): hands the prepared submissions to the kernel and waits until at least
     * {@code minComplete} completions are ready, or {@code timeoutNanos} passed, or a signal came. Blocks
     * its platform thread: run it on one.
     *
     * @param minComplete  completions to wait for (0: do not wait; the kernel still posts the ready ones)
     * @param timeoutNanos how long at most, or -1 for no limit
     * @return how many submissions the kernel took
     * @throws IOException what io_uring_enter failed with, other than EINTR, ETIME, EAGAIN and EBUSY
     */
    public int submitAndWait(int minComplete, long timeoutNanos) throws IOException {
        return enter(minComplete, ENTER_GETEVENTS, timeoutNanos);
    }

    private int enter(int minComplete, int enterFlags, long timeoutNanos) throws IOException {
        INT.setRelease(rings, sqTail, tail);
        MemorySegment arg = MemorySegment.NULL;
        long argSize = 0;
        if (timeoutNanos >= 0 && (enterFlags & ENTER_GETEVENTS) != 0) {
            long ts = UringStructs.GETEVENTS_ARG.byteSize();
            waitArg.set(JAVA_LONG, 0, 0L);
            waitArg.set(JAVA_LONG, 8, 0L);
            waitArg.set(JAVA_LONG, offset(UringStructs.GETEVENTS_ARG, "ts"), waitArg.address() + ts);
            waitArg.set(JAVA_LONG, ts, timeoutNanos / 1_000_000_000L);
            waitArg.set(JAVA_LONG, ts + 8, timeoutNanos % 1_000_000_000L);
            arg = waitArg;
            argSize = ts;
            enterFlags |= ENTER_EXT_ARG;
        }
        fd.acquire("io_uring_enter");
        try {
            int n = Libc.io_uring_enter(fd.fd, pending, minComplete, enterFlags, arg, argSize);
            if (n < 0) {
                int errno = Libc.errno();
                if (errno == Errno.EINTR.number() || errno == Errno.ETIME.number() || errno == Errno.EAGAIN.number()
                        || errno == Errno.EBUSY.number()) {
                    return 0;
                }
                throw IoStatus.exception("io_uring_enter", errno, "io_uring fd " + fd.fd);
            }
            pending -= n;
            return n;
        } finally {
            fd.release();
        }
    }

    // ---- completions

    /**
     * {@return how many completions are ready to read, from index 0}
     */
    public int ready() {
        return (int) INT.getAcquire(rings, cqTail) - head;
    }

    private long cqe(int i) {
        return cqes + ((head + i) & cqMask) * CQE_SIZE;
    }

    /**
     * The user data of ready completion {@code i}.
     *
     * @param i from 0 to {@link #ready()}, exclusive
     * @return what its submission was given
     */
    public long userData(int i) {
        return rings.get(JAVA_LONG, cqe(i) + CQE_USER_DATA);
    }

    /**
     * The result of ready completion {@code i}.
     *
     * @param i from 0 to {@link #ready()}, exclusive
     * @return what the operation's system call would return, or minus its errno
     */
    public int result(int i) {
        return rings.get(JAVA_INT, cqe(i) + CQE_RES);
    }

    /**
     * The flags of ready completion {@code i}.
     *
     * @param i from 0 to {@link #ready()}, exclusive
     * @return {@link #CQE_F_BUFFER}, {@link #CQE_F_MORE}, ..., the buffer id in the upper 16 bits
     */
    public int flags(int i) {
        return rings.get(JAVA_INT, cqe(i) + CQE_FLAGS);
    }

    /**
     * Gives {@code n} read completions back to the kernel: their slots may be reused.
     *
     * @param n how many, at most {@link #ready()}
     */
    public void advance(int n) {
        head += n;
        INT.setRelease(rings, cqHead, head);
    }

    /**
     * {@return whether completions wait in the kernel's overflow list (IORING_SQ_CQ_OVERFLOW): the
     * completion ring was full when they came; the next {@link #submitAndWait} moves them in}
     */
    public boolean overflowPending() {
        return ((int) INT.getAcquire(rings, sqFlags) & SQ_CQ_OVERFLOW) != 0;
    }

    /**
     * {@return the kernel's count of completions it could not keep at all (the completion ring's
     * overflow counter); with {@link #FEAT_NODROP} only when it ran out of memory}
     */
    public int dropped() {
        return (int) INT.getAcquire(rings, cqOverflow);
    }

    /**
     * Whether a completion's flags name a provided buffer.
     *
     * @param cqeFlags what {@link #flags} returned
     * @return true when {@link #CQE_F_BUFFER} is set
     */
    public static boolean hasBuffer(int cqeFlags) {
        return (cqeFlags & CQE_F_BUFFER) != 0;
    }

    /**
     * The provided buffer a completion used.
     *
     * @param cqeFlags what {@link #flags} returned, with {@link #CQE_F_BUFFER} set
     * @return the buffer id
     */
    public static int bufferId(int cqeFlags) {
        return cqeFlags >>> 16;
    }

    /**
     * Whether a multishot operation stays armed after this completion.
     *
     * @param cqeFlags what {@link #flags} returned
     * @return true when {@link #CQE_F_MORE} is set
     */
    public static boolean more(int cqeFlags) {
        return (cqeFlags & CQE_F_MORE) != 0;
    }

    /**
     * The errno a negative result means.
     *
     * @param result a completion's result
     * @return its errno, or null when it is not a failure or not an errno jsock names
     */
    public static Errno errno(int result) {
        return result < 0 ? Errno.of(-result) : null;
    }

    // ---- buffer rings

    /**
     * IORING_REGISTER_PBUF_RING: a ring of {@code entries} provided buffers of {@code size} bytes each,
     * in native memory this ring owns, every buffer given to the kernel at once. Operations with
     * buffer select ({@link #recvMultishot}) take one per completion; give each back with
     * {@link BufferRing#recycle} once its bytes are used, then {@link BufferRing#publish}.
     *
     * @param group   the buffer group id, 0 to 65535, unique in this ring
     * @param entries how many buffers: a power of two from 1 to 32768
     * @param size    each buffer's size in bytes, at least 1
     * @return the registered buffer ring, unregistered and freed by {@link #close}
     * @throws IOException what io_uring_register refused (EINVAL on a kernel before 5.19, EEXIST for a
     *     group in use), as an {@link ErrnoException}
     * @throws IllegalArgumentException if {@code entries} is not a power of two in range, or {@code size < 1}
     */
    public BufferRing registerBufferRing(int group, int entries, int size) throws IOException {
        if (entries < 1 || entries > 32768 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("a buffer ring has a power of two from 1 to 32768 entries, not " + entries);
        }
        if (size < 1) throw new IllegalArgumentException("a buffer needs at least 1 byte, not " + size);
        MemorySegment ring = arena.allocate(UringStructs.BUF.byteSize() * entries, 4096);
        MemorySegment data = arena.allocate((long) entries * size, 64);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(UringStructs.BUF_REG);
            reg.set(JAVA_LONG, offset(UringStructs.BUF_REG, "ring_addr"), ring.address());
            reg.set(JAVA_INT, offset(UringStructs.BUF_REG, "ring_entries"), entries);
            reg.set(JAVA_SHORT, offset(UringStructs.BUF_REG, "bgid"), (short) group);
            fd.acquire("io_uring_register");
            try {
                if (Libc.io_uring_register(fd.fd, REGISTER_PBUF_RING, reg, 1) < 0) {
                    throw IoStatus.failure("io_uring_register", "IORING_REGISTER_PBUF_RING group " + group);
                }
            } finally {
                fd.release();
            }
        }
        BufferRing b = new BufferRing(group, ring, data, entries, size);
        for (int bid = 0; bid < entries; bid++) b.recycle(bid);
        b.publish();
        return b;
    }

    /**
     * A ring of provided buffers ({@link #registerBufferRing}): the kernel takes buffers from its head,
     * this side gives them back at its tail. The owning thread only.
     */
    public final class BufferRing {
        private final int group, entries, size, mask;
        private final MemorySegment ring, data;
        private final ByteBuffer[] views;
        private int tail; // published at publish()

        private BufferRing(int group, MemorySegment ring, MemorySegment data, int entries, int size) {
            this.group = group;
            this.ring = ring;
            this.data = data;
            this.entries = entries;
            this.size = size;
            this.mask = entries - 1;
            this.views = new ByteBuffer[entries];
            for (int i = 0; i < entries; i++) views[i] = data.asSlice((long) i * size, size).asByteBuffer();
        }

        /** {@return the buffer group id, for {@link #recvMultishot}} */
        public int group() {
            return group;
        }

        /** {@return how many buffers the ring holds} */
        public int entries() {
            return entries;
        }

        /** {@return each buffer's size in bytes} */
        public int size() {
            return size;
        }

        /**
         * Buffer {@code bid} as a ByteBuffer over its native memory (the same instance each time).
         *
         * @param bid a buffer id, from {@link #bufferId}
         * @return its view, position and limit as the caller left them
         */
        public ByteBuffer buffer(int bid) {
            return views[bid];
        }

        /**
         * Buffer {@code bid} as a native segment.
         *
         * @param bid a buffer id, from {@link #bufferId}
         * @return its memory, {@link #size()} bytes
         */
        public MemorySegment segment(int bid) {
            return data.asSlice((long) bid * size, size);
        }

        /**
         * Gives buffer {@code bid} back to the kernel (seen once {@link #publish} is called).
         *
         * @param bid a buffer id this side holds (from a completion)
         */
        public void recycle(int bid) {
            long off = (tail & mask) * UringStructs.BUF.byteSize();
            ring.set(JAVA_LONG, off + BUF_ADDR, data.address() + (long) bid * size);
            ring.set(JAVA_INT, off + BUF_LEN, size);
            ring.set(JAVA_SHORT, off + BUF_BID, (short) bid);
            tail++;
        }

        /** Publishes the buffers recycled since the last call: stores the tail with release semantics. */
        public void publish() {
            SHORT.setRelease(ring, BUF_RING_TAIL, (short) tail);
        }

        /**
         * IORING_UNREGISTER_PBUF_RING: the kernel forgets the ring (its memory is freed with the io_uring).
         *
         * @throws IOException what io_uring_register refused, as an {@link ErrnoException}
         */
        public void unregister() throws IOException {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment reg = a.allocate(UringStructs.BUF_REG);
                reg.set(JAVA_SHORT, offset(UringStructs.BUF_REG, "bgid"), (short) group);
                fd.acquire("io_uring_register");
                try {
                    if (Libc.io_uring_register(fd.fd, UNREGISTER_PBUF_RING, reg, 1) < 0) {
                        throw IoStatus.failure("io_uring_register", "IORING_UNREGISTER_PBUF_RING group " + group);
                    }
                } finally {
                    fd.release();
                }
            }
        }
    }

    /**
     * Unmaps the rings and closes the descriptor: the kernel cancels what is still in flight and lets
     * go of the files it held for it. Buffer rings' memory is left to the GC. Safe to call more than once, from
     * the owning thread once it no longer uses the ring.
     */
    @Override
    public void close() {
        if (!fd.isOpen()) return;
        fd.close();
        Libc.munmap(sqes, sqes.byteSize());
        Libc.munmap(rings, rings.byteSize());
    }
}
