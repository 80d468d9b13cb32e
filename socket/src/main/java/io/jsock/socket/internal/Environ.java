package io.jsock.socket.internal;

import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's environment as its children should inherit it. {@link System#getenv()} is a copy
 * the JVM made at start and never changes; a variable that is meant for this process only (systemd's
 * LISTEN_FDS, NOTIFY_SOCKET, ...) is removed with {@link #unset}, which removes it from the C
 * environment (unsetenv(3)) and from what {@link #current()} and {@link #get} return from then on.
 */
public final class Environ {
    private Environ() {}

    /** Names unset since start; only grows. */
    private static final Set<String> UNSET = ConcurrentHashMap.newKeySet();

    /**
     * unsetenv(3), and from now on {@link #current()} and {@link #get} leave {@code name} out. Safe to
     * call more than once.
     */
    public static void unset(String name) {
        UNSET.add(name);
        try (Arena arena = Arena.ofConfined()) {
            Libc.unsetenv(arena.allocateFrom(name)); // fails only for a name with '=' (EINVAL): none of ours
        }
    }

    /** The variable's value as the JVM started with it, or null if it was not set or has been {@link #unset}. */
    public static String get(String name) {
        return UNSET.contains(name) ? null : System.getenv(name);
    }

    /** A new modifiable copy of the environment, without the variables {@link #unset} since start. */
    public static Map<String, String> current() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeAll(UNSET);
        return env;
    }
}
