package io.jsock.socket.process;

/**
 * How a child process ended: the status word waitpid(2) filled in, decoded as {@code <sys/wait.h>}'s
 * macros do on Linux (low 7 bits: the terminating signal, 0 for a normal exit; bit 7: core dumped;
 * bits 8 to 15: the exit code).
 *
 * @param waitStatus the raw status word; {@link #UNKNOWN} when someone else reaped the child
 */
public record ExitStatus(int waitStatus) {
    /** The status of a child whose status was lost (waitpid said ECHILD: reaped elsewhere). */
    public static final int UNKNOWN = -1;

    /** {@return WIFEXITED: whether the child called exit(2) or returned from main} */
    public boolean exited() {
        return waitStatus != UNKNOWN && (waitStatus & 0x7f) == 0;
    }

    /** {@return WEXITSTATUS: the exit code (0 to 255); -1 when the child did not exit normally} */
    public int exitCode() {
        return exited() ? (waitStatus >> 8) & 0xff : -1;
    }

    /** {@return WIFSIGNALED: whether a signal ended the child} */
    public boolean signaled() {
        int sig = waitStatus & 0x7f;
        return waitStatus != UNKNOWN && sig != 0 && sig != 0x7f;
    }

    /** {@return WTERMSIG: the signal that ended the child; 0 when none did} */
    public int signal() {
        return signaled() ? waitStatus & 0x7f : 0;
    }

    /** {@return WCOREDUMP: whether the signal left a core file} */
    public boolean coreDumped() {
        return signaled() && (waitStatus & 0x80) != 0;
    }

    /** {@return whether the exit code is 0} */
    public boolean success() {
        return exitCode() == 0;
    }

    /** {@return the shell's convention for {@code $?}: the exit code, or 128 + the signal} */
    public int shellCode() {
        return signaled() ? 128 + signal() : exitCode();
    }

    /** {@return {@code exit 0}, {@code exit 3}, {@code killed by SIGSEGV (core dumped)}, {@code status unknown}} */
    @Override
    public String toString() {
        if (exited()) return "exit " + exitCode();
        if (signaled()) return "killed by " + signalName(signal()) + (coreDumped() ? " (core dumped)" : "");
        return waitStatus == UNKNOWN ? "status unknown" : "wait status 0x" + Integer.toHexString(waitStatus);
    }

    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    /**
     * Linux's name for a signal number (x86_64 and aarch64 agree).
     *
     * @param sig a signal number
     * @return e.g. {@code SIGSEGV}, or {@code signal 40} for one without a name
     */
    public static String signalName(int sig) {
        return sig > 0 && sig < NAMES.length ? NAMES[sig] : "signal " + sig;
    }
}
