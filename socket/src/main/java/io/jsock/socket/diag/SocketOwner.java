package io.jsock.socket.diag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A process holding a socket: a descriptor of {@code pid} whose {@code /proc/PID/fd} link reads
 * {@code socket:[inode]}. This is how {@code ss -p} finds owners; the kernel's socket diagnostics do not
 * say (a socket can be held by many processes, e.g. after fork or descriptor passing).
 *
 * @param command the process's name, as {@code /proc/PID/stat} gives it (at most 15 characters)
 * @param pid     the process id
 * @param fd      the descriptor number in that process
 */
public record SocketOwner(String command, int pid, int fd) {

    /**
     * Every socket descriptor of every process this one may look into, by socket inode
     * ({@link DiagSocket#inode()}, {@link UnixDiagSocket#inode()}). Processes that end during the scan,
     * and those whose descriptors may not be read (another user's, without privilege), are left out.
     * For each inode the owners come in the order ss prints them: the last found first.
     *
     * @return the owners of each socket inode
     */
    public static Map<Long, List<SocketOwner>> byInode() {
        Map<Long, List<SocketOwner>> owners = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isNumber(p.getFileName().toString()))) {
            for (Path proc : procs) scan(proc, owners);
        } catch (IOException | RuntimeException noProc) {
            return owners; // no /proc: nobody is known to own anything
        }
        return owners;
    }

    /** {@return the owner as ss writes it: {@code ("name",pid=N,fd=M)}} */
    @Override
    public String toString() {
        return "(\"" + command + "\",pid=" + pid + ",fd=" + fd + ")";
    }

    /**
     * The owners as ss's Process column writes them: {@code users:(("a",pid=1,fd=3),("b",pid=2,fd=4))},
     * or empty when there are none.
     *
     * @param owners the owners of one socket
     * @return the text
     */
    public static String users(List<SocketOwner> owners) {
        if (owners == null || owners.isEmpty()) return "";
        StringBuilder b = new StringBuilder("users:(");
        for (int i = 0; i < owners.size(); i++) b.append(i > 0 ? "," : "").append(owners.get(i));
        return b.append(')').toString();
    }

    private static void scan(Path proc, Map<Long, List<SocketOwner>> owners) {
        int pid = Integer.parseInt(proc.getFileName().toString());
        String command = null;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                String link;
                try {
                    link = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (!link.startsWith("socket:[") || !link.endsWith("]")) continue;
                if (command == null) command = command(proc);
                long inode = Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
                // ss keeps each inode's owners in a list it adds to at the head: the last found prints first.
                owners.computeIfAbsent(inode, k -> new ArrayList<>()).addFirst(
                        new SocketOwner(command, pid, Integer.parseInt(fd.getFileName().toString())));
            }
        } catch (IOException | RuntimeException goneOrNotOurs) {
            // the process ended, or its descriptors are not ours to read: it owns nothing we can tell
        }
    }

    /** The name in {@code /proc/PID/stat}'s second field, read as ss reads it: from the '(' to the first ')'. */
    private static String command(Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
        int open = stat.indexOf('(');
        int close = stat.indexOf(')', open + 1);
        return open < 0 || close < 0 ? "?" : stat.substring(open + 1, close);
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }
}
