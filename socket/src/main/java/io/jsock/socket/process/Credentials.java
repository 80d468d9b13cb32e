package io.jsock.socket.process;

import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The user and group a server drops to once its listeners are bound (so a port below 1024 can be
 * bound as root), and that its children inherit: setgroups(2) to the one group, setgid(2), setuid(2),
 * in that order (once the uid is gone, the gid could no longer change), each result checked.
 *
 * <p>Names are looked up with getpwnam_r(3) and getgrnam_r(3), as {@code id(1)} does: through NSS,
 * so users from LDAP or sssd are found as well as those of /etc/passwd (parsing the files would miss
 * them; the JDK's {@code UserPrincipalLookupService} asks the same functions but hides the numbers).
 *
 * <pre>{@code
 * Credentials nobody = Credentials.lookup("nobody", null);  // its primary group
 * ... bind every listener ...
 * nobody.apply();                                            // from here on: uid and gid of nobody, for every thread
 * }</pre>
 */
public final class Credentials {
    private static final long BUFFER = 16384; // getpwnam_r's string space; ERANGE doubles it

    private final String user;
    private final int uid;
    private final int gid;
    private final CountDownLatch applied = new CountDownLatch(1);

    private Credentials(String user, int uid, int gid) {
        this.user = user;
        this.uid = uid;
        this.gid = gid;
    }

    /**
     * The numbers of a user, and of a group (or the user's primary group).
     *
     * @param user  a user name from the password database
     * @param group a group name, or null for the user's primary group
     * @return the credentials; not yet applied
     * @throws IllegalArgumentException if the user or the group does not exist (one line, naming it)
     * @throws IOException if the lookup itself fails (an NSS error), naming its errno
     */
    public static Credentials lookup(String user, String group) throws IOException {
        int[] pw = lookup(true, user);
        if (pw == null) throw new IllegalArgumentException("unknown user '" + user + "': not in the password database (getent passwd " + user + ")");
        int gid = pw[1];
        if (group != null) {
            int[] gr = lookup(false, group);
            if (gr == null) throw new IllegalArgumentException("unknown group '" + group + "': not in the group database (getent group " + group + ")");
            gid = gr[0];
        }
        return new Credentials(user, pw[0], gid);
    }

    /**
     * Credentials by number, as a child process is told them.
     *
     * @param uid the user id
     * @param gid the group id
     * @return the credentials; not yet applied
     */
    public static Credentials of(int uid, int gid) {
        return new Credentials(Integer.toString(uid), uid, gid);
    }

    /** {uid, gid} of a user, {gid} of a group, or null when there is none of that name. */
    private static int[] lookup(boolean passwd, String name) throws IOException {
        if (name.isEmpty() || name.indexOf('\0') >= 0) return null;
        for (long size = BUFFER; ; size *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment entry = arena.allocate(passwd ? Libc.PASSWD_SIZE : Libc.GROUP_SIZE, 8);
                MemorySegment buf = arena.allocate(size);
                MemorySegment result = arena.allocate(ADDRESS);
                MemorySegment n = arena.allocateFrom(name);
                int rc = passwd ? Libc.getpwnam_r(n, entry, buf, size, result) : Libc.getgrnam_r(n, entry, buf, size, result);
                if (rc == io.jsock.socket.Errno.ERANGE.number() && size < (1 << 24)) continue;
                if (rc != 0) throw IoStatus.exception(passwd ? "getpwnam_r" : "getgrnam_r", rc, name);
                if (result.get(ADDRESS, 0).equals(MemorySegment.NULL)) return null;
                return passwd ? new int[] {entry.get(JAVA_INT, Libc.PW_UID), entry.get(JAVA_INT, Libc.PW_GID)}
                        : new int[] {entry.get(JAVA_INT, Libc.GR_GID)};
            }
        }
    }

    /** {@return the user's name (its number for {@link #of})} */
    public String user() {
        return user;
    }

    /** {@return the user id} */
    public int uid() {
        return uid;
    }

    /** {@return the group id} */
    public int gid() {
        return gid;
    }

    /**
     * Drops this process, every thread of it, to these credentials: setgroups(2) to the one group,
     * setgid(2), setuid(2). Then checks that the ids are these and, when dropping from root, that
     * setuid(0) is refused (no way back). Nothing to do when the process already runs as them.
     * Safe to call more than once.
     *
     * @throws IOException the failing call, its errno and the ids (e.g. EPERM when not root): the
     *     caller must not go on serving with the privileges it meant to give up
     */
    public synchronized void apply() throws IOException {
        if (applied.getCount() == 0) return;
        if (Libc.getuid() != uid || Libc.getgid() != gid) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment groups = arena.allocateFrom(JAVA_INT, gid);
                if (Libc.setgroups(1, groups) != 0) throw failed("setgroups", "group " + gid);
            }
            if (Libc.setgid(gid) != 0) throw failed("setgid", "gid " + gid);
            if (Libc.setuid(uid) != 0) throw failed("setuid", "uid " + uid + " (" + user + ")");
            if (Libc.getuid() != uid || Libc.getgid() != gid) {
                throw new IOException("setuid " + user + ": the process runs as uid " + Libc.getuid() + " gid " + Libc.getgid()
                        + ", not uid " + uid + " gid " + gid);
            }
            if (uid != 0 && Libc.setuid(0) == 0) throw new IOException("setuid " + user + ": root could be regained; refusing to run");
        }
        applied.countDown();
    }

    private static IOException failed(String call, String what) {
        return IoStatus.exception(call, Libc.errno(), what);
    }

    /**
     * Whether {@link #apply} has succeeded in this process.
     *
     * @return true once applied
     */
    public boolean applied() {
        return applied.getCount() == 0;
    }

    /**
     * Waits until {@link #apply} has succeeded, at most {@code timeout}.
     *
     * @param timeout how long at most
     * @return whether it has
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitApplied(Duration timeout) throws InterruptedException {
        return applied.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Gives a file made before the drop (a Unix socket file) to this user and group, so the server
     * can still remove it once it runs as them.
     *
     * @param file the file; a symbolic link itself is changed, not its target
     * @throws IOException if chown fails
     */
    public void chown(Path file) throws IOException {
        Files.setAttribute(file, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public String toString() {
        return user + " (uid " + uid + ", gid " + gid + ")";
    }
}
