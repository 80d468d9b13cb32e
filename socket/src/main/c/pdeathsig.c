/*
 * The parent-death helper: makes jsock's children die with jsock, however jsock ends, and with
 * them what they started. Two modes:
 *
 * jsock-pdeathsig PPID guard
 *    The guardian, one per jsock process (PPID), started once, its registration socket (an
 *    AF_UNIX SOCK_SEQPACKET) at descriptor 0; it forks, the parent writes the guardian's pid to the
 *    socket and exits (jsock reaps it), so the guardian is no child of jsock's. Each child that leads a process group of its own
 *    registers there (below) with a pidfd of itself; the guardian waits in epoll(7) on a pidfd of
 *    jsock, on the socket and on every registered pidfd. A child gone: its pidfd is dropped. jsock
 *    gone: the registrations still queued are read, the children that ended meanwhile dropped, and
 *    every registered child's whole group gets SIGKILL (the program and what it started: a shell's
 *    `cat`); then the guardian exits. It holds none of the children's descriptors, its environment
 *    is blank, and it ignores the terminal's signals (it is in jsock's process group): only jsock's
 *    end ends it.
 *
 * jsock-pdeathsig PPID REG PATH ARGV0 [ARG...]
 *    A child: execve(PATH, [ARGV0, ARG...], environ) once it is sure to die with jsock. With REG a
 *    descriptor number (the guardian's socket, which jsock's spawn put there): sends its pid and a
 *    pidfd of itself (SCM_RIGHTS) to the guardian, closes REG. With REG "-", or when the guardian
 *    cannot be told: prctl(PR_SET_PDEATHSIG, SIGKILL), which survives the execve; the kernel sends
 *    it when the thread that spawned the child ends (jsock spawns these on a thread that lives as
 *    long as the JVM), and it reaches the program only, not what the program starts.
 *    Then, either way, a last look: a parent already gone (getppid() != PPID: jsock died before
 *    the registration was queued, or before the death signal was set) means SIGKILL to itself.
 *    No window: a registration queued before that look was in the guardian's queue before jsock's
 *    exit reparented this process, so before jsock's pidfd told the guardian, which reads its
 *    queue before it kills.
 *
 * posix_spawn cannot set the parent-death signal, and a JVM must not run Java between fork and
 * exec: hence this helper between posix_spawn and the program. No libc: a static executable of
 * a few kilobytes. Built by scripts/build-pdeathsig.sh into
 * socket/src/main/resources/io/jsock/socket/process/jsock-pdeathsig (x86-64).
 */
#include <asm/unistd.h>
#include <linux/eventpoll.h>
#include <linux/prctl.h>

#define SIGKILL 9
#define SOL_SOCKET 1
#define SCM_RIGHTS 1
#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000
#define EAGAIN 11
#define EINTR 4

static long sys4(long n, long a, long b, long c, long d) {
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}
#define sys3(n, a, b, c) sys4(n, a, b, c, 0)

static long sys6(long n, long a, long b, long c, long d, long e, long f) {
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
    return r;
}

__attribute__((noreturn)) static void quit(int status) {
    for (;;) sys3(__NR_exit_group, status, 0, 0);
}

/* The kernel's struct msghdr, iovec and cmsghdr on x86-64 (no libc headers here). */
struct iov { void *base; unsigned long len; };
struct msg { void *name; int namelen; struct iov *iov; unsigned long iovlen; void *control; unsigned long controllen; int flags; };
struct cmsg { unsigned long len; int level; int type; int fd; int pad; }; /* CMSG_SPACE(sizeof(int)) == 24 */

static long number(const char *s) {
    long n = 0;
    if (*s < '0' || *s > '9') return -1;
    for (; *s >= '0' && *s <= '9'; s++) n = n * 10 + (*s - '0');
    return *s ? -1 : n;
}

/* ---- the guardian ---- */

#define MAX_FD (1 << 20) /* the kernel's default nr_open: no descriptor number above it */
#define SERVER_TAG (~0ULL)
#define SOCKET_TAG (~1ULL)

/* The guardian's state (on its stack: the executable has no writable segment). */
struct guardian {
    int *group; /* pidfd number -> the registered child's pid (its group's number); 0: none. MAX_FD ints, mapped lazily */
    long top;   /* the highest pidfd number registered + 1 */
    long ep;    /* the epoll */
};

static void watch(struct guardian *g, long fd, unsigned long long tag) {
    struct epoll_event ev = {.events = EPOLLIN, .data = tag};
    sys4(__NR_epoll_ctl, g->ep, EPOLL_CTL_ADD, fd, (long) &ev);
}

/* Reads every queued registration; false once jsock's end is closed (jsock is gone). */
static int registrations(struct guardian *g) {
    for (;;) {
        int pid = 0;
        struct iov v = {&pid, sizeof pid};
        struct cmsg c = {0};
        struct msg m = {.iov = &v, .iovlen = 1, .control = &c, .controllen = sizeof c};
        long n = sys3(__NR_recvmsg, 0, (long) &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n == -EINTR) continue;
        if (n == 0) return 0;
        if (n < 0) return 1; /* EAGAIN: none left */
        if (c.len < sizeof c - sizeof c.pad || c.level != SOL_SOCKET || c.type != SCM_RIGHTS) continue; /* no pidfd: nothing to watch */
        if (n != sizeof pid || pid <= 0 || c.fd < 0 || c.fd >= MAX_FD) {
            sys3(__NR_close, c.fd, 0, 0);
            continue;
        }
        g->group[c.fd] = pid;
        if (c.fd >= g->top) g->top = c.fd + 1;
        watch(g, c.fd, (unsigned long long) c.fd);
    }
}

/* A registered child ended (its pidfd polled readable): forget it. */
static void ended(struct guardian *g, long fd) {
    g->group[fd] = 0;
    sys3(__NR_close, fd, 0, 0); /* the only reference: the close takes it out of the epoll too */
}

__attribute__((noreturn)) static void guard(long ppid, char **envp) {
    long server = sys3(__NR_pidfd_open, ppid, 0, 0);
    if (server < 0 || sys3(__NR_getppid, 0, 0, 0) != ppid) quit(1); /* no jsock to watch: the spawns fall back to the death signal */
    /* Forked once more so it is no child of jsock's (whose children are its programs): this process
       tells jsock the guardian's pid through the socket and exits. */
    long guardian = sys3(__NR_fork, 0, 0, 0);
    if (guardian < 0) quit(1);
    if (guardian > 0) {
        int pid = (int) guardian;
        quit(sys3(__NR_write, 0, (long) &pid, sizeof pid) == sizeof pid ? 0 : 1);
    }
    for (char **e = envp; *e; e++) for (char *c = *e; *c; c++) *c = 0;
    /* In jsock's process group: a terminal's ^C or ^\, a hang-up, a group's SIGTERM must not end it first. */
    static const int ignored[] = {1, 2, 3, 13, 15, 20, 21, 22}; /* HUP INT QUIT PIPE TERM TSTP TTIN TTOU */
    for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        unsigned long act[4] = {1 /* SIG_IGN */, 0, 0, 0};
        sys4(__NR_rt_sigaction, ignored[i], (long) act, 0, 8);
    }
    sys3(__NR_close_range, 1, server - 1, 0); /* standard output and error, and all else: not ours to hold */
    sys3(__NR_close_range, server + 1, ~0U, 0);
    struct guardian g = {0};
    long table = sys6(__NR_mmap, 0, MAX_FD * sizeof(int), 3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
    if (table < 0 && table > -4096) quit(1);
    g.group = (int *) table;
    g.ep = sys3(__NR_epoll_create1, EPOLL_CLOEXEC, 0, 0);
    if (g.ep < 0) quit(1);
    watch(&g, server, SERVER_TAG);
    watch(&g, 0, SOCKET_TAG);
    struct epoll_event ev[64];
    int open = 1;
    for (;;) {
        long n = sys4(__NR_epoll_wait, g.ep, (long) ev, 64, -1);
        for (long i = 0; i < n; i++) {
            unsigned long long d = ev[i].data;
            if (d == SOCKET_TAG) {
                if (open && !registrations(&g)) {
                    open = 0;
                    sys4(__NR_epoll_ctl, g.ep, EPOLL_CTL_DEL, 0, 0); /* closed: it would poll readable for ever */
                }
            } else if (d != SERVER_TAG) {
                ended(&g, (long) d);
            } else {
                if (open) registrations(&g); /* queued before jsock's end: they count */
                sys4(__NR_epoll_ctl, g.ep, EPOLL_CTL_DEL, server, 0); /* readable for good now: the look below must not see it */
                sys4(__NR_epoll_ctl, g.ep, EPOLL_CTL_DEL, 0, 0);
                long m;                       /* the children that ended meanwhile: their numbers may be another's soon */
                for (int round = 0; round < 1024 && (m = sys4(__NR_epoll_wait, g.ep, (long) ev, 64, 0)) > 0; round++) {
                    for (long j = 0; j < m; j++) {
                        if (ev[j].data != SERVER_TAG && ev[j].data != SOCKET_TAG) ended(&g, (long) ev[j].data);
                    }
                }
                for (long fd = 0; fd < g.top; fd++) {
                    if (g.group[fd] > 0) sys3(__NR_kill, -g.group[fd], SIGKILL, 0);
                }
                quit(0);
            }
        }
    }
}

/* ---- a child ---- */

/* Sends this process's pid and a pidfd of it to the guardian at descriptor reg; true when queued. */
static int enrol(long reg, long self) {
    long pidfd = sys3(__NR_pidfd_open, self, 0, 0); /* close-on-exec: the program does not get it */
    if (pidfd < 0) return 0;
    int pid = (int) self;
    struct iov v = {&pid, sizeof pid};
    struct cmsg c = {.len = sizeof c - sizeof c.pad, .level = SOL_SOCKET, .type = SCM_RIGHTS, .fd = (int) pidfd};
    struct msg m = {.iov = &v, .iovlen = 1, .control = &c, .controllen = sizeof c};
    long n;
    do n = sys3(__NR_sendmsg, reg, (long) &m, MSG_NOSIGNAL); while (n == -EINTR);
    sys3(__NR_close, pidfd, 0, 0);
    return n == sizeof pid;
}

__attribute__((noreturn, used)) static void run(long *sp) {
    long argc = sp[0];
    char **argv = (char **) (sp + 1);
    char **envp = argv + argc + 1;
    if (argc < 3) quit(125);
    long ppid = number(argv[1]);
    if (ppid <= 0) quit(125);
    if (argc == 3 && argv[2][0] == 'g') guard(ppid, envp);
    if (argc < 5) quit(125);
    long self = sys3(__NR_getpid, 0, 0, 0);
    long reg = number(argv[2]);
    int registered = 0;
    if (reg >= 0) {
        registered = enrol(reg, self);
        sys3(__NR_close, reg, 0, 0); /* the program does not get the guardian's socket */
    }
    if (!registered) sys3(__NR_prctl, PR_SET_PDEATHSIG, SIGKILL, 0);
    if (sys3(__NR_getppid, 0, 0, 0) != ppid) sys3(__NR_kill, self, SIGKILL, 0);
    long e = -sys3(__NR_execve, (long) argv[3], (long) (argv + 4), (long) envp);
    static const char msg[] = "jsock-pdeathsig: execve failed\n";
    sys3(__NR_write, 2, (long) msg, sizeof msg - 1);
    quit(e == 2 ? 127 : 126); /* ENOENT: 127, as a shell says */
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall run\n\thlt\n");
