package io.jsock.socket;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jsock.socket.internal.Libc;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct ucred} (unix(7)): the peer process of a Unix domain socket, from SO_PEERCRED.
 *
 * @param pid its process id (as it was at connect or socketpair)
 * @param uid its user id
 * @param gid its group id
 */
public record PeerCred(int pid, int uid, int gid) {
    /**
     * The credentials of this process: what an unprivileged sender may put in SCM_CREDENTIALS.
     *
     * @return getpid(2), getuid(2) and getgid(2)
     */
    public static PeerCred ofThisProcess() {
        return new PeerCred(Libc.getpid(), Libc.getuid(), Libc.getgid());
    }

    /** {@code sizeof(struct ucred)}. */
    static final int SIZE = 12;

    static int pid(MemorySegment s) { return s.get(JAVA_INT, 0); }
    static void pid(MemorySegment s, int v) { s.set(JAVA_INT, 0, v); }
    static int uid(MemorySegment s) { return s.get(JAVA_INT, 4); }
    static void uid(MemorySegment s, int v) { s.set(JAVA_INT, 4, v); }
    static int gid(MemorySegment s) { return s.get(JAVA_INT, 8); }
    static void gid(MemorySegment s, int v) { s.set(JAVA_INT, 8, v); }

    static final SockOpt.Codec<PeerCred> CODEC = new SockOpt.Codec<>() {
        public Class<PeerCred> type() { return PeerCred.class; }
        public int size() { return SIZE; }
        public void encode(PeerCred v, MemorySegment s) { pid(s, v.pid); uid(s, v.uid); gid(s, v.gid); }
        public PeerCred decode(MemorySegment s, int len) { return new PeerCred(pid(s), uid(s), gid(s)); }
    };
}
