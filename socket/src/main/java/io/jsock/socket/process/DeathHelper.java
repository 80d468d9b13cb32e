package io.jsock.socket.process;

import io.jsock.socket.internal.Libc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The parent-death helper ({@code socket/src/main/c/pdeathsig.c}, about 2.5 KB, x86-64): a child that
 * must die with this process is spawned as {@code jsock-pdeathsig PPID REG PATH ARGV0 ARG...}; it
 * registers with the {@link Guardian} through descriptor REG (or, REG "-" or no guardian, sets
 * PR_SET_PDEATHSIG to SIGKILL) and execs the program; {@code jsock-pdeathsig PPID guard} is the
 * guardian itself. posix_spawn(3) has no attribute for it, and a JVM must not run Java between fork
 * and exec. Installed once per user and content as
 * {@code $TMPDIR/jsock-UID/pdeathsig-HASH}: a directory of ours that others may traverse (so a
 * server that dropped privileges still runs it) but not write, a file nobody may write.
 */
final class DeathHelper {
    private DeathHelper() {}

    private static final String RESOURCE = "jsock-pdeathsig";
    private static final Set<String> ARCHES = Set.of("amd64", "x86_64"); // os.arch's names of x86-64

    /** Whether this machine can run the helper. */
    static boolean supported() {
        return ARCHES.contains(System.getProperty("os.arch"));
    }

    /** The installed helper's path; installs it on first use. */
    static Path path() throws IOException {
        try {
            return Installed.PATH;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (ExceptionInInitializerError e) {
            throw new IOException("cannot install the parent-death helper: " + e.getCause());
        }
    }

    private static final class Installed {
        static final Path PATH;
        static {
            try {
                PATH = install(Path.of(System.getProperty("java.io.tmpdir"), "jsock-" + Libc.getuid()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Path install(Path dir) throws IOException {
        byte[] bytes;
        try (InputStream in = DeathHelper.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException("resource " + RESOURCE + " missing from the jar");
            bytes = in.readAllBytes();
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made by another process meanwhile: checked below
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        }
        ours(dir);
        if (Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).stream().anyMatch(DeathHelper::othersWrite)) {
            throw new IOException(dir + " is writable by others: not running a helper from it");
        }
        Path file = dir.resolve("pdeathsig-" + hash(bytes));
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            ours(file);
            if (Arrays.equals(Files.readAllBytes(file), bytes)) return file;
        }
        Path tmp = Files.createTempFile(dir, "pdeathsig-", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-xr-xr-x"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    private static boolean othersWrite(PosixFilePermission p) {
        return p == PosixFilePermission.GROUP_WRITE || p == PosixFilePermission.OTHERS_WRITE;
    }

    private static void ours(Path p) throws IOException {
        Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!uid.equals(Libc.getuid())) throw new IOException(p + " belongs to uid " + uid + ", not to us: not running a helper from it");
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
