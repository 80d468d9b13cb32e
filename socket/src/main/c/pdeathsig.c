/*
 * The parent-death helper: makes jsock's children die with jsock, however jsock ends, and with
 * them what they started. Two modes:
 *
 * jsock-pdeathsig PPID guard
 *    The guardian, one per jsock process (PPID), started once, the read end of its registration
 *    pipe at descriptor 0; it forks, the parent writes the guardian's pid to standard output (a
 *    second pipe of jsock's) and exits (jsock reaps it), so the guardian is no child of jsock's.
 *    Each child that leads a process group of its own registers (below) by writing its pid to the
 *    pipe; the guardian opens a pidfd of it, checks that it is jsock's child (a pid read late may
 *    have been given to another process meanwhile), and waits in epoll(7) on a pidfd of jsock and
 *    on every registered child's. A child gone: its pidfd is dropped. jsock gone: the pids still in
 *    the pipe are read, the children that ended meanwhile dropped, and every registered child's
 *    whole group gets SIGKILL (the program and what it started: a shell's `cat`); then the guardian
 *    exits. It holds none of the children's descriptors, its environment is blank, and it ignores
 *    the terminal's signals (it is in jsock's process group): only jsock's end ends it.
 *
 * jsock-pdeathsig PPID REG PATH ARGV0 [ARG...]
 *    A child: execve(PATH, [ARGV0, ARG...], environ) once it is sure to die with jsock. With REG a
 *    descriptor number (the pipe's write end, which jsock's spawn put there): writes its pid there
 *    (4 bytes: one atomic write) and closes REG. With REG "-", or when the guardian cannot be told
 *    (EPIPE: it is gone): prctl(PR_SET_PDEATHSIG, SIGKILL), which survives the execve; the kernel
 *    sends it when the thread that spawned the child ends (jsock spawns these on a thread that
 *    lives as long as the JVM), and it reaches the program only, not what the program starts.
 *    Then, either way, a last look: a parent already gone (getppid() != PPID: jsock died before
 *    the registration was written, or before the death signal was set) means SIGKILL to itself.
 *    No window: a pid written before that look was in the pipe before jsock's exit reparented this
 *    process, so before jsock's pidfd told the guardian, which reads the pipe before it kills.
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
#define SIGPIPE 13
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

/* The parent's pid in /proc/PID/stat (field 4, after the command name's last ')'); -1 if unreadable. */
static long parent_of(long pid) {
    char path[32] = "/proc/", *p = path + 6, digits[12];
    int n = 0;
    do digits[n++] = (char) ('0' + pid % 10); while ((pid /= 10) > 0);
    while (n > 0) *p++ = digits[--n];
    const char *tail = "/stat";
    while (*tail) *p++ = *tail++;
    *p = 0;
    long fd = sys3(__NR_open, (long) path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return -1;
    char buf[512];
    long len = sys3(__NR_read, fd, (long) buf, sizeof buf - 1);
    sys3(__NR_close, fd, 0, 0);
    if (len <= 0) return -1;
    long close = -1;
    for (long i = 0; i < len; i++) if (buf[i] == ')') close = i;
    if (close < 0 || close + 4 >= len) return -1;
    long i = close + 4, ppid = 0; /* ") S PPID ..." */
    for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) ppid = ppid * 10 + (buf[i] - '0');
    return ppid;
}

/*
 * Reads every pid in the pipe and watches each; false once no writer is left (jsock is gone).
 * With {@code check}, a child that is not jsock's (its pid, read late, names another process by
 * now) is left alone; after jsock's end its children are init's, and the pids are fresh.
 */
static int registrations(struct guardian *g, long ppid, int check) {
    for (;;) {
        int pids[1024];
        long n = sys3(__NR_read, 0, (long) pids, sizeof pids); /* whole pids: every write is 4 bytes, atomic */
        if (n == -EINTR) continue;
        if (n == 0) return 0;
        if (n < 0) return 1; /* EAGAIN: none left */
        for (long i = 0; i < n / 4; i++) {
            long fd = sys3(__NR_pidfd_open, pids[i], 0, 0); /* close-on-exec */
            if (fd < 0) continue; /* gone already: nothing to guard */
            if (fd >= MAX_FD || (check && parent_of(pids[i]) != ppid)) {
                sys3(__NR_close, fd, 0, 0);
                continue;
            }
            g->group[fd] = pids[i];
            if (fd >= g->top) g->top = fd + 1;
            watch(g, fd, (unsigned long long) fd);
        }
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
        quit(sys3(__NR_write, 1, (long) &pid, sizeof pid) == sizeof pid ? 0 : 1);
    }
    for (char **e = envp; *e; e++) for (char *c = *e; *c; c++) *c = 0;
    /* In jsock's process group: a terminal's ^C or ^\, a hang-up, a group's SIGTERM must not end it first. */
    static const int ignored[] = {1, 2, 3, 13, 15, 20, 21, 22}; /* HUP INT QUIT PIPE TERM TSTP TTIN TTOU */
    for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        unsigned long act[4] = {1 /* SIG_IGN */, 0, 0, 0};
        sys4(__NR_rt_sigaction, ignored[i], (long) act, 0, 8);
    }
    sys3(__NR_fcntl, 0, F_SETFL, O_NONBLOCK); /* the pipe is ours alone: read until EAGAIN */
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
                if (open && !registrations(&g, ppid, 1)) {
                    open = 0;
                    sys4(__NR_epoll_ctl, g.ep, EPOLL_CTL_DEL, 0, 0); /* closed: it would poll readable for ever */
                }
            } else if (d != SERVER_TAG) {
                ended(&g, (long) d);
            } else {
                if (open) registrations(&g, ppid, 0); /* written before jsock's end: they count */
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

/* Writes this process's pid to the guardian's pipe at descriptor reg; true when written. */
static int enrol(long reg, long self) {
    unsigned long ignore[4] = {1 /* SIG_IGN */, 0, 0, 0}, dfl[4] = {0};
    sys4(__NR_rt_sigaction, SIGPIPE, (long) ignore, 0, 8); /* a gone guardian: EPIPE, not death */
    int pid = (int) self;
    long n;
    do n = sys3(__NR_write, reg, (long) &pid, sizeof pid); while (n == -EINTR);
    sys4(__NR_rt_sigaction, SIGPIPE, (long) dfl, 0, 8); /* the program starts with every signal at its default */
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
