package io.jsock.server.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The processes a prefork worker left when it died: each worker leads a session of its own
 * (setsid at spawn), its children lead process groups inside it, and a session, unlike a group,
 * keeps them all, so its number finds every one of them after the worker is gone (SIGKILL leaves
 * them to init). There is no kill(2) for a session: /proc tells each process's session.
 */
final class Sessions {
    private static final int PASSES = 20; // a process may fork while it is being killed: look again, a bounded number of times

    private Sessions() {}

    /**
     * SIGKILL to every process left in session {@code sid}, until none is found; the session's
     * number cannot name another session meanwhile (the kernel keeps it while any member lives).
     *
     * @param sid the session: the dead worker's pid
     * @return the pids that were killed
     */
    static List<Long> kill(long sid) {
        List<Long> killed = new ArrayList<>();
        for (int pass = 0; pass < PASSES; pass++) {
            List<Long> found = members(sid);
            if (found.isEmpty()) break;
            for (long pid : found) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL; not our child: init reaps it
                if (!killed.contains(pid)) killed.add(pid);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return killed;
    }

    /** The live (not zombie) processes of session {@code sid}. */
    static List<Long> members(long sid) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                stat(p).filter(f -> f.session == sid && f.state != 'Z').ifPresent(f -> pids.add(Long.parseLong(p.getFileName().toString())));
            }
        } catch (IOException e) {
            // /proc unreadable: nothing can be found
        }
        return pids;
    }

    private record Stat(char state, long session) {}

    /** {@code /proc/PID/stat}: after "pid (comm) " come state, ppid, pgrp, session. */
    private static Optional<Stat> stat(Path dir) {
        try {
            String s = Files.readString(dir.resolve("stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[3])));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty(); // exited while we looked
        }
    }
}
