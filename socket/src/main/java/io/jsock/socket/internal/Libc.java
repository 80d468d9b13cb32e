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

    /** pidfd_open(2) (no glibc wrapper before 2.36): a descriptor that polls readable when the child exits. */
    public static int pidfd_open(int pid, int flags) {
        try {
            return (int) (long) syscall2$.mh.invokeExact(state(), Constants.SYS_pidfd_open, (long) pid, (long) flags);
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
