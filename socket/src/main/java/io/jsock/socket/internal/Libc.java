package io.jsock.socket.internal;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoBindException;
import io.jsock.socket.ErrnoConnectException;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.ErrnoNoRouteToHostException;
import io.jsock.socket.ErrnoSocketTimeoutException;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.SyscallFailure;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one class that binds libc. Every other class calls these raw methods, which return what the C
 * function returns ({@code -1} on failure) and leave the failing call's errno in {@link #errno()}.
 *
 * <p>errno is captured per call into a segment owned by the calling thread ({@link #ERRNO}); a
 * virtual thread cannot be unmounted between the downcall and the read of errno, because neither
 * parks. Calls that never block ({@code recv}, {@code send} on a non-blocking descriptor, ...) are
 * linked {@linkplain Linker.Option#critical(boolean) critical}, which also lets them read and write
 * heap arrays directly. Calls that may block ({@code poll}, {@code epoll_wait}, {@code waitpid}) are
 * not.
 *
 * <p>Each function's handle sits in a holder class of its own ({@code socket$.mh}), made when the
 * function is first called: making a downcall stub costs a few milliseconds of CPU, and binding all
 * of them eagerly cost every JVM that touched this class about 200 ms of CPU at start (a child JVM
 * serving one connection uses a dozen). A missing symbol fails that first call with a
 * {@link LinkageError} naming it; LibcBindingTest binds every one.
 */
public final class Libc {
    private Libc() {}

    static {
        // Before any restricted call: without native access the JVM would warn in four lines and go on
        // (or, with --illegal-native-access=deny, fail in the middle of the first call).
        Module self = Libc.class.getModule();
        if (!self.isNativeAccessEnabled()) throw new IllegalCallerException(withoutNativeAccess(self));
        // Load (not initialise) every holder class now. Loading one later may need a descriptor (a
        // class file in a directory); a first call made while the process is out of descriptors
        // (EMFILE) would then fail with NoClassDefFoundError, and keep failing. Binding stays lazy.
        Libc.class.getNestMembers();
        // The same for the classes a failing call needs: under EMFILE the error must still be told.
        loaded(Errno.class, IoStatus.class, KernelFeatures.class, SyscallFailure.Call.class, ErrnoException.class,
                ErrnoConnectException.class, ErrnoNoRouteToHostException.class, ErrnoBindException.class,
                ErrnoSocketTimeoutException.class, SocketClosedException.class);
    }

    /** One line saying which flag grants {@code module} native access. */
    static String withoutNativeAccess(Module module) {
        String grant = module.isNamed()
                ? "--enable-native-access=" + module.getName()
                : "--enable-native-access=ALL-UNNAMED (or Enable-Native-Access: ALL-UNNAMED in the manifest of the jar that is run)";
        return "jsock calls libc through the FFM API and needs native access: run java with " + grant;
    }

    private static void loaded(Class<?>... classes) {
        // Naming a class literal loads the class; nothing more is needed.
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** Each thread's errno capture segment; freed by the GC with the thread. */
    private static final ThreadLocal<MemorySegment> ERRNO =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    /** The errno the calling thread's last failing call left. */
    public static int errno() {
        return (int) ERRNO_HANDLE.get(ERRNO.get(), 0L);
    }

    private static MemorySegment state() {
        return ERRNO.get();
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new LinkageError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** Captures errno; may block (no critical option). */
    private static MethodHandle blocking(String name, FunctionDescriptor fd) {
        return bind(name, fd, Linker.Option.captureCallState("errno"));
    }

    /** Captures errno; never blocks, so it may run critical and touch heap memory. */
    private static MethodHandle quick(String name, FunctionDescriptor fd) {
        return bind(name, fd, Linker.Option.captureCallState("errno"), Linker.Option.critical(true));
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    private static final FunctionDescriptor I_I = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_II = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_III = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_IAI = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor I_IAA = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

    // ---- sockets: socket(2), bind(2), listen(2), accept4(2), connect(2), shutdown(2), close(2)

    private static final class socket$ { static final MethodHandle mh = quick("socket", I_III); }
    private static final class socketpair$ { static final MethodHandle mh = quick("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)); }
    private static final class bind$ { static final MethodHandle mh = quick("bind", I_IAI); }
    private static final class listen$ { static final MethodHandle mh = quick("listen", I_II); }
    private static final class accept4$ { static final MethodHandle mh = quick("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)); }
    private static final class connect$ { static final MethodHandle mh = quick("connect", I_IAI); }
    private static final class shutdown$ { static final MethodHandle mh = quick("shutdown", I_II); }
    private static final class close$ { static final MethodHandle mh = quick("close", I_I); }
    private static final class getsockname$ { static final MethodHandle mh = quick("getsockname", I_IAA); }
    private static final class getpeername$ { static final MethodHandle mh = quick("getpeername", I_IAA); }
    private static final class setsockopt$ { static final MethodHandle mh = quick("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class getsockopt$ { static final MethodHandle mh = quick("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)); }

    public static int socket(int domain, int type, int protocol) {
        try {
            return (int) socket$.mh.invokeExact(state(), domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int socketpair(int domain, int type, int protocol, MemorySegment sv) {
        try {
            return (int) socketpair$.mh.invokeExact(state(), domain, type, protocol, sv);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        try {
            return (int) bind$.mh.invokeExact(state(), fd, addr, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int listen(int fd, int backlog) {
        try {
            return (int) listen$.mh.invokeExact(state(), fd, backlog);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int accept4(int fd, MemorySegment addr, MemorySegment lenp, int flags) {
        try {
            return (int) accept4$.mh.invokeExact(state(), fd, addr, lenp, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int connect(int fd, MemorySegment addr, int len) {
        try {
            return (int) connect$.mh.invokeExact(state(), fd, addr, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int shutdown(int fd, int how) {
        try {
            return (int) shutdown$.mh.invokeExact(state(), fd, how);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int close(int fd) {
        try {
            return (int) close$.mh.invokeExact(state(), fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getsockname(int fd, MemorySegment addr, MemorySegment lenp) {
        try {
            return (int) getsockname$.mh.invokeExact(state(), fd, addr, lenp);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getpeername(int fd, MemorySegment addr, MemorySegment lenp) {
        try {
            return (int) getpeername$.mh.invokeExact(state(), fd, addr, lenp);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) setsockopt$.mh.invokeExact(state(), fd, level, name, value, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment lenp) {
        try {
            return (int) getsockopt$.mh.invokeExact(state(), fd, level, name, value, lenp);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- data: recv(2), send(2), recvfrom(2), sendto(2), read(2), write(2)

    private static final class recv$ { static final MethodHandle mh = quick("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)); }
    private static final class send$ { static final MethodHandle mh = quick("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)); }
    private static final class recvfrom$ { static final MethodHandle mh = quick("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS)); }
    private static final class sendto$ { static final MethodHandle mh = quick("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class read$ { static final MethodHandle mh = quick("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG)); }
    private static final class write$ { static final MethodHandle mh = quick("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG)); }

    public static long recv(int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) recv$.mh.invokeExact(state(), fd, buf, len, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long send(int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) send$.mh.invokeExact(state(), fd, buf, len, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment lenp) {
        try {
            return (long) recvfrom$.mh.invokeExact(state(), fd, buf, len, flags, addr, lenp);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrlen) {
        try {
            return (long) sendto$.mh.invokeExact(state(), fd, buf, len, flags, addr, addrlen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // A platform thread's recv(2) and send(2) that wait in the kernel (the socket in blocking mode; see
    // Fd.blockInCall): not critical, as the JVM must be able to reach a safepoint while they wait, so
    // native memory only.
    private static final class recvWaiting$ { static final MethodHandle mh = blocking("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)); }
    private static final class sendWaiting$ { static final MethodHandle mh = blocking("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)); }

    /**
     * Binds {@link #recvWaiting}, {@link #sendWaiting} and {@link #ioctl} (which puts a socket in
     * blocking mode for them) now: binding makes classes, which a process out of descriptors (EMFILE)
     * may fail to load, and a failed holder class stays failed for good.
     */
    static void bindWaiting() {
        if (recvWaiting$.mh == null || sendWaiting$.mh == null || ioctl$.mh == null) throw new IllegalStateException("unbound");
    }

    /** recv(2) that may wait in the kernel: {@code buf} must be native memory. */
    public static long recvWaiting(int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) recvWaiting$.mh.invokeExact(state(), fd, buf, len, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** send(2) that may wait in the kernel: {@code buf} must be native memory. */
    public static long sendWaiting(int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) sendWaiting$.mh.invokeExact(state(), fd, buf, len, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** read(2), for descriptors that are not sockets (eventfd, pipes). */
    public static long read(int fd, MemorySegment buf, long len) {
        try {
            return (long) read$.mh.invokeExact(state(), fd, buf, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** write(2), for descriptors that are not sockets (eventfd, pipes). */
    public static long write(int fd, MemorySegment buf, long len) {
        try {
            return (long) write$.mh.invokeExact(state(), fd, buf, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- messages with ancillary data: sendmsg(2), recvmsg(2) (struct msghdr: see Msghdrs)

    private static final class sendmsg$ { static final MethodHandle mh = quick("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class recvmsg$ { static final MethodHandle mh = quick("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT)); }

    /** sendmsg(2) with a native {@code struct msghdr} (its pointers are native addresses). */
    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) sendmsg$.mh.invokeExact(state(), fd, msghdr, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** recvmsg(2) with a native {@code struct msghdr}; the kernel sets its msg_controllen and msg_flags. */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) recvmsg$.mh.invokeExact(state(), fd, msghdr, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- descriptors: fcntl(2) (variadic: one int after the command), eventfd(2), pipe2(2)

    private static final class fcntl$ { static final MethodHandle mh = bind("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"),
            Linker.Option.critical(false)); }
    private static final class eventfd$ { static final MethodHandle mh = quick("eventfd", I_II); }
    private static final class pipe2$ { static final MethodHandle mh = quick("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)); }

    public static int fcntl(int fd, int cmd, int arg) {
        try {
            return (int) fcntl$.mh.invokeExact(state(), fd, cmd, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int eventfd(int initval, int flags) {
        try {
            return (int) eventfd$.mh.invokeExact(state(), initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int pipe2(MemorySegment fds, int flags) {
        try {
            return (int) pipe2$.mh.invokeExact(state(), fds, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- namespaces: open(2) of /var/run/netns/NAME, setns(2)

    private static final class open$ { static final MethodHandle mh = bind("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno")); }
    private static final class setns$ { static final MethodHandle mh = quick("setns", I_II); }

    /** open(2) with a NUL-terminated native path. */
    public static int open(MemorySegment path, int flags, int mode) {
        try {
            return (int) open$.mh.invokeExact(state(), path, flags, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** setns(2): moves the calling OS thread into the namespace {@code fd} refers to. */
    public static int setns(int fd, int nstype) {
        try {
            return (int) setns$.mh.invokeExact(state(), fd, nstype);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- interfaces: if_nametoindex(3)

    private static final class if_nametoindex$ { static final MethodHandle mh = bind("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS), Linker.Option.captureCallState("errno")); }

    /** if_nametoindex(3) with a NUL-terminated native name: the index, or 0 with errno set (ENODEV). */
    public static int if_nametoindex(MemorySegment name) {
        try {
            return (int) if_nametoindex$.mh.invokeExact(state(), name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- ioctl(2): SIOCGSTAMPNS

    private static final class ioctl$ { static final MethodHandle mh = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"), Linker.Option.critical(true)); }

    /** ioctl(2) with a pointer argument (heap memory allowed: it never blocks for the requests jsock makes). */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        try {
            return (int) ioctl$.mh.invokeExact(state(), fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- waiting: poll(2), epoll(7)

    private static final class poll$ { static final MethodHandle mh = blocking("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)); }
    private static final class epoll_create1$ { static final MethodHandle mh = quick("epoll_create1", I_I); }
    private static final class epoll_ctl$ { static final MethodHandle mh = quick("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)); }
    private static final class epoll_wait$ { static final MethodHandle mh = blocking("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)); }

    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) poll$.mh.invokeExact(state(), fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epoll_create1(int flags) {
        try {
            return (int) epoll_create1$.mh.invokeExact(state(), flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epoll_ctl(int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) epoll_ctl$.mh.invokeExact(state(), epfd, op, fd, event);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int epoll_wait(int epfd, MemorySegment events, int maxevents, int timeoutMillis) {
        try {
            return (int) epoll_wait$.mh.invokeExact(state(), epfd, events, maxevents, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- waking a platform thread out of poll(2): dup2(2), pthread_kill(3), sigaction(2) (see Wakeup)

    private static final class dup2$ { static final MethodHandle mh = quick("dup2", I_II); }
    private static final class pthread_self$ { static final MethodHandle mh = bind("pthread_self", FunctionDescriptor.of(JAVA_LONG)); }
    private static final class pthread_kill$ { static final MethodHandle mh = bind("pthread_kill",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT)); }
    private static final class sigaction$ { static final MethodHandle mh = quick("sigaction",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)); }
    private static final class sigrtmax$ { static final MethodHandle mh = bind("__libc_current_sigrtmax", FunctionDescriptor.of(JAVA_INT)); }

    public static int dup2(int oldfd, int newfd) {
        try {
            return (int) dup2$.mh.invokeExact(state(), oldfd, newfd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** pthread_self(3): the calling thread's pthread_t (a platform thread keeps its own for life). */
    public static long pthread_self() {
        try {
            return (long) pthread_self$.mh.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** pthread_kill(3); returns 0 or an errno value (not -1). */
    public static int pthread_kill(long thread, int sig) {
        try {
            return (int) pthread_kill$.mh.invokeExact(thread, sig);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** sigaction(2) with glibc's {@code struct sigaction} ({@link #SIGACTION_SIZE} bytes). */
    public static int sigaction(int sig, MemorySegment act, MemorySegment oldact) {
        try {
            return (int) sigaction$.mh.invokeExact(state(), sig, act, oldact);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** SIGRTMAX: glibc's highest real-time signal number (it keeps the lowest for itself). */
    public static int sigrtmax() {
        try {
            return (int) sigrtmax$.mh.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The address of a libc function, e.g. as a signal handler. */
    public static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new LinkageError("libc has no symbol " + name));
    }

    // ---- processes: posix_spawn(3), waitpid(2), kill(2), pidfd_open(2) through syscall(2), getpid(2)

    private static final class posix_spawn$ { static final MethodHandle mh = blocking("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)); }
    private static final class posix_spawnp$ { static final MethodHandle mh = blocking("posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)); }
    private static final class file_actions_init$ { static final MethodHandle mh = quick("posix_spawn_file_actions_init",
            FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
    private static final class file_actions_destroy$ { static final MethodHandle mh = quick("posix_spawn_file_actions_destroy",
            FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
    private static final class file_actions_adddup2$ { static final MethodHandle mh = quick("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)); }
    private static final class file_actions_addclose$ { static final MethodHandle mh = quick("posix_spawn_file_actions_addclose",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class file_actions_addclosefrom_np$ { static final MethodHandle mh = quick("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class file_actions_addopen$ { static final MethodHandle mh = quick("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)); }
    private static final class spawnattr_init$ { static final MethodHandle mh = quick("posix_spawnattr_init",
            FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
    private static final class spawnattr_destroy$ { static final MethodHandle mh = quick("posix_spawnattr_destroy",
            FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
    private static final class spawnattr_setflags$ { static final MethodHandle mh = quick("posix_spawnattr_setflags",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT)); }
    private static final class spawnattr_setsigdefault$ { static final MethodHandle mh = quick("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)); }
    private static final class spawnattr_setsigmask$ { static final MethodHandle mh = quick("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)); }
    private static final class sigemptyset$ { static final MethodHandle mh = quick("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
    private static final class sigfillset$ { static final MethodHandle mh = quick("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
    private static final class waitpid$ { static final MethodHandle mh = blocking("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class kill$ { static final MethodHandle mh = quick("kill", I_II); }
    private static final class getpid$ { static final MethodHandle mh = quick("getpid", FunctionDescriptor.of(JAVA_INT)); }
    private static final class getuid$ { static final MethodHandle mh = quick("getuid", FunctionDescriptor.of(JAVA_INT)); }
    private static final class getgid$ { static final MethodHandle mh = quick("getgid", FunctionDescriptor.of(JAVA_INT)); }
    private static final class syscall2$ { static final MethodHandle mh = bind("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno")); }

    /** posix_spawn(3); returns 0 or an errno value (not -1: posix_spawn does not set errno). */
    public static int posix_spawn(MemorySegment pid, MemorySegment path, MemorySegment fileActions,
            MemorySegment attr, MemorySegment argv, MemorySegment envp, boolean searchPath) {
        try {
            return searchPath
                    ? (int) posix_spawnp$.mh.invokeExact(state(), pid, path, fileActions, attr, argv, envp)
                    : (int) posix_spawn$.mh.invokeExact(state(), pid, path, fileActions, attr, argv, envp);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawn_file_actions_init(MemorySegment actions) {
        try {
            return (int) file_actions_init$.mh.invokeExact(state(), actions);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawn_file_actions_destroy(MemorySegment actions) {
        try {
            return (int) file_actions_destroy$.mh.invokeExact(state(), actions);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawn_file_actions_adddup2(MemorySegment actions, int fd, int newfd) {
        try {
            return (int) file_actions_adddup2$.mh.invokeExact(state(), actions, fd, newfd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawn_file_actions_addclose(MemorySegment actions, int fd) {
        try {
            return (int) file_actions_addclose$.mh.invokeExact(state(), actions, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** glibc 2.34+: closes every descriptor from {@code from} up in the child (close_range(2)). */
    public static int posix_spawn_file_actions_addclosefrom_np(MemorySegment actions, int from) {
        try {
            return (int) file_actions_addclosefrom_np$.mh.invokeExact(state(), actions, from);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The child opens {@code path} (NUL-terminated) at {@code fd}. */
    public static int posix_spawn_file_actions_addopen(MemorySegment actions, int fd, MemorySegment path, int oflag, int mode) {
        try {
            return (int) file_actions_addopen$.mh.invokeExact(state(), actions, fd, path, oflag, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawnattr_init(MemorySegment attr) {
        try {
            return (int) spawnattr_init$.mh.invokeExact(state(), attr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawnattr_destroy(MemorySegment attr) {
        try {
            return (int) spawnattr_destroy$.mh.invokeExact(state(), attr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawnattr_setflags(MemorySegment attr, short flags) {
        try {
            return (int) spawnattr_setflags$.mh.invokeExact(state(), attr, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawnattr_setsigdefault(MemorySegment attr, MemorySegment sigset) {
        try {
            return (int) spawnattr_setsigdefault$.mh.invokeExact(state(), attr, sigset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int posix_spawnattr_setsigmask(MemorySegment attr, MemorySegment sigset) {
        try {
            return (int) spawnattr_setsigmask$.mh.invokeExact(state(), attr, sigset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int sigemptyset(MemorySegment set) {
        try {
            return (int) sigemptyset$.mh.invokeExact(state(), set);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int sigfillset(MemorySegment set) {
        try {
            return (int) sigfillset$.mh.invokeExact(state(), set);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** waitpid(2) for one pid; never call it with -1 (it would reap the JDK's own children). */
    public static int waitpid(int pid, MemorySegment status, int options) {
        try {
            return (int) waitpid$.mh.invokeExact(state(), pid, status, options);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int kill(int pid, int sig) {
        try {
            return (int) kill$.mh.invokeExact(state(), pid, sig);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getpid() {
        try {
            return (int) getpid$.mh.invokeExact(state());
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getuid(2): never fails. */
    public static int getuid() {
        try {
            return (int) getuid$.mh.invokeExact(state());
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getgid(2): never fails. */
    public static int getgid() {
        try {
            return (int) getgid$.mh.invokeExact(state());
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** pidfd_open(2) (no glibc wrapper before 2.36): a descriptor that polls readable when the child exits. */
    public static int pidfd_open(int pid, int flags) {
        try {
            return (int) (long) syscall2$.mh.invokeExact(state(), Constants.SYS_pidfd_open, (long) pid, (long) flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- the environment: unsetenv(3)

    private static final class unsetenv$ { static final MethodHandle mh = quick("unsetenv", FunctionDescriptor.of(JAVA_INT, ADDRESS)); }

    /** unsetenv(3): removes {@code name} (NUL-terminated) from the C environment, which children spawned from here inherit. */
    public static int unsetenv(MemorySegment name) {
        try {
            return (int) unsetenv$.mh.invokeExact(state(), name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- process groups and credentials: posix_spawnattr_setpgroup(3), getpwnam_r(3), getgrnam_r(3),
    // setgroups(2), setgid(2), setuid(2) (getuid and getgid: with sendmsg above)

    private static final class spawnattr_setpgroup$ { static final MethodHandle mh = quick("posix_spawnattr_setpgroup",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class getpwnam_r$ { static final MethodHandle mh = blocking("getpwnam_r",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)); }
    private static final class getgrnam_r$ { static final MethodHandle mh = blocking("getgrnam_r",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)); }
    private static final class setgroups$ { static final MethodHandle mh = quick("setgroups",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS)); }
    private static final class setgid$ { static final MethodHandle mh = quick("setgid", I_I); }
    private static final class setuid$ { static final MethodHandle mh = quick("setuid", I_I); }

    /** The child's process group: 0 makes it the leader of a new group of its own (with POSIX_SPAWN_SETPGROUP). */
    public static int posix_spawnattr_setpgroup(MemorySegment attr, int pgroup) {
        try {
            return (int) spawnattr_setpgroup$.mh.invokeExact(state(), attr, pgroup);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getpwnam_r(3) (NSS: files, LDAP, ...); returns 0 or an errno value, {@code *result} NULL when not found. */
    public static int getpwnam_r(MemorySegment name, MemorySegment pwd, MemorySegment buf, long buflen, MemorySegment result) {
        try {
            return (int) getpwnam_r$.mh.invokeExact(state(), name, pwd, buf, buflen, result);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getgrnam_r(3); returns 0 or an errno value, {@code *result} NULL when not found. */
    public static int getgrnam_r(MemorySegment name, MemorySegment grp, MemorySegment buf, long buflen, MemorySegment result) {
        try {
            return (int) getgrnam_r$.mh.invokeExact(state(), name, grp, buf, buflen, result);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** setgroups(2) through glibc, which sets them for every thread of the process. */
    public static int setgroups(long size, MemorySegment gids) {
        try {
            return (int) setgroups$.mh.invokeExact(state(), size, gids);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** setgid(2) through glibc, for every thread of the process. */
    public static int setgid(int gid) {
        try {
            return (int) setgid$.mh.invokeExact(state(), gid);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** setuid(2) through glibc, for every thread of the process. */
    public static int setuid(int uid) {
        try {
            return (int) setuid$.mh.invokeExact(state(), uid);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code struct passwd}: pw_uid and pw_gid offsets, and its size (x86_64 and aarch64). */
    public static final long PW_UID = 16, PW_GID = 20, PASSWD_SIZE = 48;
    /** {@code struct group}: gr_gid's offset, and its size (x86_64 and aarch64). */
    public static final long GR_GID = 16, GROUP_SIZE = 32;

    // ---- io_uring(7): io_uring_setup(2), io_uring_enter(2), io_uring_register(2) through syscall(2); mmap(2), munmap(2)

    // May block (io_uring_enter waits for completions): not critical.
    private static final class syscall6$ { static final MethodHandle mh = bind("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno")); }
    private static final class mmap$ { static final MethodHandle mh = quick("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG)); }
    private static final class munmap$ { static final MethodHandle mh = quick("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG)); }

    private static long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) syscall6$.mh.invokeExact(state(), nr, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** io_uring_setup(2): a new ring's descriptor, or -1; {@code params} (native) is read and filled in. */
    public static int io_uring_setup(int entries, MemorySegment params) {
        return (int) syscall6(Constants.SYS_io_uring_setup, entries, params.address(), 0, 0, 0, 0);
    }

    /** io_uring_enter(2): how many submissions the kernel consumed, or -1; {@code arg} (native or NULL) of {@code argSize} bytes. */
    public static int io_uring_enter(int fd, int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize) {
        return (int) syscall6(Constants.SYS_io_uring_enter, fd, toSubmit, minComplete, flags, arg.address(), argSize);
    }

    /** io_uring_register(2), or -1; {@code arg} is native (or NULL). */
    public static int io_uring_register(int fd, int opcode, MemorySegment arg, int nrArgs) {
        return (int) syscall6(Constants.SYS_io_uring_register, fd, opcode, arg.address(), nrArgs, 0, 0);
    }

    /** mmap(2): the mapping's address as a zero-length segment; {@code MAP_FAILED} is address -1. */
    public static MemorySegment mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) mmap$.mh.invokeExact(state(), addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int munmap(MemorySegment addr, long length) {
        try {
            return (int) munmap$.mh.invokeExact(state(), addr, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The size of glibc's posix_spawn_file_actions_t, posix_spawnattr_t and sigset_t on x86_64/aarch64 Linux. */
    public static final long FILE_ACTIONS_SIZE = 80, SPAWNATTR_SIZE = 336, SIGSET_SIZE = 128;

    /**
     * glibc's {@code struct sigaction} on x86_64/aarch64 Linux: the handler at 0, sa_mask (a sigset_t)
     * at 8, int sa_flags at {@link #SA_FLAGS_OFFSET}, sa_restorer at 144 (glibc fills it in).
     */
    public static final long SIGACTION_SIZE = 152, SA_FLAGS_OFFSET = 8 + SIGSET_SIZE;
}
