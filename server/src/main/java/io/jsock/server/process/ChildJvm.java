package io.jsock.server.process;

import io.jsock.server.Handler;

import io.jsock.socket.Socket;
import java.io.File;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs {@link ChildMain}: this JVM's own java binary and
 * module or class path, native access on, and flags that make a small, short-lived JVM start fast (C1 only,
 * fewer compilations, the serial collector, a small heap, no perf-data file, and the AOT cache of {@link AotCache}
 * once one is built, else the JDK's default class-data archive; {@code -Xshare} is left at its
 * default, as {@code -XX:AOTCache} requires). The JVM's own output goes to stderr.
 * {@code -Djsock.child.flags="..."} adds flags (measured for a one-connection echo child: the raised
 * thresholds cut its CPU by about 15%, {@code -Xint} by 5% more; a handler that computes wants the JIT).
 */
final class ChildJvm {
    private ChildJvm() {}

    /** The flags every child JVM gets, training runs included (an AOT cache is only used with the flags it was made with). */
    static List<String> flags() {
        return Flags.LIST;
    }

    /** Made once per JVM: the process model asks for them at every connection. */
    private static final class Flags {
        static final List<String> LIST = make();
    }

    private static List<String> make() {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + "/bin/java");
        List<String> flags = new ArrayList<>(List.of(java));
        flags.addAll(codePath());
        flags.addAll(List.of(
                "-XX:TieredStopAtLevel=1",
                "-XX:CompileThresholdScaling=10", // a short life: compile only what is really hot (saves ~15% CPU)
                "-XX:+UseSerialGC",
                "-Xms8m", "-Xmx64m",
                "-XX:-UsePerfData", // no hsperfdata file to create and delete
                "-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr"));
        String extra = System.getProperty("jsock.child.flags", "").trim(); // e.g. -Xint: cheapest for short connections
        if (!extra.isEmpty()) flags.addAll(List.of(extra.split("\\s+")));
        return List.copyOf(flags);
    }

    /**
     * Where the child finds its code, as this JVM found it: on the module path when jsock runs as
     * modules (every module of this one's module path resolved, so a handler of the user's own
     * module can be built, and native access for the module that binds libc), else on the class path.
     */
    private static List<String> codePath() {
        List<String> path = new ArrayList<>();
        String classPath = System.getProperty("java.class.path", "");
        if (ChildMain.class.getModule().isNamed()) {
            path.addAll(List.of("-p", modulePath(), "--add-modules=ALL-MODULE-PATH",
                    "--enable-native-access=" + Socket.class.getModule().getName()));
            if (!classPath.isEmpty()) path.addAll(List.of("-cp", classPath));
        } else {
            path.addAll(List.of("-cp", classPath, "--enable-native-access=ALL-UNNAMED"));
        }
        return path;
    }

    /** This JVM's module path, empty when it runs on the class path only. */
    private static String modulePath() {
        return System.getProperty("jdk.module.path", "");
    }

    /** Every jar and directory the child loads code from: this JVM's class path, then its module path. */
    static List<String> codeEntries() {
        List<String> entries = new ArrayList<>();
        for (String path : List.of(System.getProperty("java.class.path", ""), modulePath())) {
            for (String e : path.split(File.pathSeparator)) {
                if (!e.isEmpty()) entries.add(e);
            }
        }
        return entries;
    }

    /** How the child names its main class: {@code -m io.jsock.server/...ChildMain} as a module, else the class name. */
    static List<String> main() {
        Module server = ChildMain.class.getModule();
        return server.isNamed() ? List.of("-m", server.getName() + "/" + ChildMain.class.getName())
                : List.of(ChildMain.class.getName());
    }

    /** The child command: {@code java FLAGS [-XX:AOTCache=...] io.jsock.server.ChildMain ARGS}. */
    static List<String> command(String... mainArgs) {
        List<String> argv = new ArrayList<>(flags());
        String cache = AotCache.INSTANCE.option();
        if (cache != null) argv.add(cache);
        argv.addAll(main());
        argv.addAll(List.of(mainArgs));
        return argv;
    }

    /**
     * How a child JVM names {@code handler} for {@link ChildMain#handler}: an enum constant by name
     * ({@code service:ECHO} for the built-in services), any other class by its name, to be built
     * with its no-arg constructor. A handler a child cannot build (a lambda, an anonymous or inner
     * class, one without a no-arg constructor) is refused with an {@link IllegalArgumentException}.
     */
    static String handlerSpec(Handler handler) {
        if (handler instanceof Enum<?> e) {
            String k = e.getDeclaringClass().getName();
            return k.equals("io.jsock.server.Service") ? "service:" + e.name() : "enum:" + k + "#" + e.name();
        }
        Class<?> k = handler.getClass();
        String why = null;
        if (k.isHidden() || k.isSynthetic()) why = "it is a lambda";
        else if (k.isAnonymousClass() || k.isLocalClass()) why = "it is an anonymous or local class";
        else if (k.isMemberClass() && !Modifier.isStatic(k.getModifiers())) why = "it is an inner (non-static) class";
        else {
            try {
                k.getDeclaredConstructor();
            } catch (NoSuchMethodException e) {
                why = "it has no no-arg constructor";
            }
        }
        if (why != null) {
            throw new IllegalArgumentException("the process and prefork models run a Java handler in a child JVM,"
                    + " which cannot build " + k.getName() + ": " + why + ". Use a Service, an enum constant or a"
                    + " class with a no-arg constructor, or give a command");
        }
        return "class:" + k.getName();
    }
}
