/*
 * jsock-pdeathsig PPID PATH ARGV0 [ARG...]: makes the program die with jsock, however jsock ends,
 * and with it what the program started, then execve(PATH, [ARGV0, ARG...], environ).
 *
 * 1. When spawned as a process group leader (jsock's servers spawn each child so), a guardian: a
 *    grandchild of the helper, forked twice so it is no child of the program (a shell's `wait`
 *    must not wait for it) and holding no descriptor of the program's, waits in poll(2) on a
 *    pidfd of jsock and one of the program. jsock gone first: SIGKILL to the whole group (the
 *    program, what it started, and the guardian itself): a shell's `cat` does not outlive the
 *    server. The program gone first: the guardian just exits.
 * 2. Else (not a group leader, or no guardian: no pidfd, fork refused), prctl(PR_SET_PDEATHSIG,
 *    SIGKILL): survives the execve, so the program gets SIGKILL when the thread that spawned it
 *    ends (jsock spawns these on a thread that lives as long as the JVM). It reaches the program
 *    only, not what the program starts.
 * Either way, a parent already gone (getppid() != PPID: it died before the helper looked) means
 * SIGKILL to the helper itself, as the signal would have.
 *
 * posix_spawn cannot set the parent-death signal, and a JVM must not run Java between fork and
 * exec: hence this helper between posix_spawn and the program. No libc: a static executable of
 * about a kilobyte. Built by scripts/build-pdeathsig.sh into
 * socket/src/main/resources/io/jsock/socket/process/jsock-pdeathsig (x86-64).
 */
#include <asm/unistd.h>
#include <linux/poll.h>
#include <linux/prctl.h>

#define SIGKILL 9

static long sys4(long n, long a, long b, long c, long d) {
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}
#define sys3(n, a, b, c) sys4(n, a, b, c, 0)

__attribute__((noreturn)) static void quit(int status) {
    for (;;) sys3(__NR_exit_group, status, 0, 0);
}

/* Waits until jsock (pidfd server) or the program (pidfd program) ends; the first: SIGKILL to the group. */
__attribute__((noreturn)) static void guard(long server, long program, long pgid, char **envp) {
    /* Its copy of the environment blanked: /proc/PID/environ shows the connection's variables for
       the program's processes, not for the guardian that merely watches them. */
    for (char **e = envp; *e; e++) for (char *c = *e; *c; c++) *c = 0;
    long lo = server < program ? server : program, hi = server < program ? program : server;
    sys3(__NR_close_range, 0, lo - 1, 0); /* the connection and every other descriptor: not ours to hold */
    sys3(__NR_close_range, lo + 1, hi - 1, 0);
    sys3(__NR_close_range, hi + 1, ~0U, 0);
    struct pollfd fds[2] = {{.fd = (int) server, .events = POLLIN}, {.fd = (int) program, .events = POLLIN}};
    for (;;) {
        long n = sys3(__NR_poll, (long) fds, 2, -1);
        if (n > 0 && fds[0].revents) sys3(__NR_kill, -pgid, SIGKILL, 0);
        if (n > 0) quit(0);
    }
}

__attribute__((noreturn, used)) static void run(long *sp) {
    long argc = sp[0];
    char **argv = (char **) (sp + 1);
    char **envp = argv + argc + 1;
    if (argc < 4) quit(125);
    long ppid = 0;
    for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++) ppid = ppid * 10 + (*p - '0');
    long server = sys3(__NR_pidfd_open, ppid, 0, 0); /* before the check: then it names jsock, not a new process */
    long self = sys3(__NR_getpid, 0, 0, 0);
    if (sys3(__NR_getppid, 0, 0, 0) != ppid) sys3(__NR_kill, self, SIGKILL, 0);
    int guarded = 0;
    if (server >= 0 && sys3(__NR_getpgid, 0, 0, 0) == self) {
        long program = sys3(__NR_pidfd_open, self, 0, 0); /* this pid is the program's after the execve */
        long g1 = program >= 0 ? sys3(__NR_fork, 0, 0, 0) : -1;
        if (g1 == 0) {
            long g2 = sys3(__NR_fork, 0, 0, 0);
            if (g2 == 0) guard(server, program, self, envp);
            quit(g2 > 0 ? 0 : 1);
        }
        int status = -1;
        if (g1 > 0) sys4(__NR_wait4, g1, (long) &status, 0, 0);
        guarded = status == 0;
    } /* the pidfds are close-on-exec */
    if (!guarded) {
        /* No guardian: the death signal, set before a second look at the parent (it may have died
           meanwhile, and then no signal would come). Not with a guardian: it would kill the program
           first (it comes at the spawning thread's end, before the process's), and the guardian
           would take that for the program's own end and leave the program's children. */
        sys3(__NR_prctl, PR_SET_PDEATHSIG, SIGKILL, 0);
        if (sys3(__NR_getppid, 0, 0, 0) != ppid) sys3(__NR_kill, self, SIGKILL, 0);
    }
    long e = -sys3(__NR_execve, (long) argv[2], (long) (argv + 3), (long) envp);
    static const char msg[] = "jsock-pdeathsig: execve failed\n";
    sys3(__NR_write, 2, (long) msg, sizeof msg - 1);
    quit(e == 2 ? 127 : 126); /* ENOENT: 127, as a shell says */
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall run\n\thlt\n");
