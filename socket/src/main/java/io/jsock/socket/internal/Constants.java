package io.jsock.socket.internal;

/** Linux's numbers for the calls this package makes (x86_64 and aarch64 agree on all of them). */
public final class Constants {
    private Constants() {}

    // <sys/socket.h>: type flags for socket(2) and accept4(2)
    public static final int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

    // levels and options
    public static final int SOL_SOCKET = 1, IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_IPV6 = 41;
    public static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8,
            SO_KEEPALIVE = 9, SO_LINGER = 13, SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_PEERCRED = 17, SO_ACCEPTCONN = 30,
            SO_PROTOCOL = 38, SO_DOMAIN = 39;
    public static final int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_SYNCNT = 7, TCP_DEFER_ACCEPT = 9, TCP_INFO = 11;
    public static final int IPV6_V6ONLY = 26;
    public static final int SO_ATTACH_FILTER = 26;
    public static final long SIOCGSTAMPNS = 0x8907;
    /** ioctl(2) FIONBIO (asm-generic/ioctls.h): sets or clears O_NONBLOCK alone, from an int. */
    public static final long FIONBIO = 0x5421;

    // send(2)/recv(2) flags
    public static final int MSG_PEEK = 0x2, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20, MSG_CMSG_CLOEXEC = 0x40000000;

    // unix(7): ancillary message types at SOL_SOCKET; the kernel's SCM_MAX_FD
    public static final int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2, SCM_MAX_FD = 253;

    // shutdown(2)
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    // fcntl(2)
    public static final int F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
    public static final int FD_CLOEXEC = 1, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;

    // poll(2) and epoll(7)
    public static final short POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public static final int EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000,
            EPOLLEXCLUSIVE = 1 << 28, EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31;
    public static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3, EPOLL_CLOEXEC = 0x80000;
    public static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    // posix_spawn(3), waitpid(2), signals
    public static final short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    public static final int WNOHANG = 1;
    public static final int SIGKILL = 9, SIGTERM = 15;
    public static final long SYS_pidfd_open = 434;

    // io_uring(7): no glibc wrappers, so syscall(2) with these numbers (x86_64 and aarch64 agree); mmap(2)
    public static final long SYS_io_uring_setup = 425, SYS_io_uring_enter = 426, SYS_io_uring_register = 427;
    public static final int PROT_READ = 0x1, PROT_WRITE = 0x2, MAP_SHARED = 0x01, MAP_POPULATE = 0x8000;

    // open(2), setns(2)
    public static final int O_RDONLY = 0, O_RDWR = 2, CLONE_NEWNET = 0x40000000;
}
