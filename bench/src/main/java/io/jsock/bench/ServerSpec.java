package io.jsock.bench;

import io.jsock.server.Model;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server to run side by side: its name in tables, how to start it, and (when it cannot be
 * started here) why not and how to install what is missing.
 *
 * @param command      the command line; {@code {port}} is replaced by a free port for servers that
 *                     cannot bind port 0 and report it
 * @param printsPort   whether the server prints {@code listening on ADDR:PORT} itself
 * @param missing      null when it can run; else one line saying how to get it
 * @param perConnectionProcess whether each connection costs a process (idle runs cap those)
 */
record ServerSpec(String name, List<String> command, boolean printsPort, String missing, boolean perConnectionProcess) {

    /** The C reference's name: ratios are against it. */
    static final String C = "c-epoll";

    /** The names {@code --servers all} means, in table order. */
    static final List<String> ALL = List.of(
            C, "epoll:1", "epoll", "uring:1", "uring", "virtual", "thread", "pool", "prefork", "iterative", "process", "process-cat",
            "netty-epoll", "netty-uring", "netty-nio", "jdk-virtual", "jdk-thread", "c-uring", "tcpserver");

    /** Resolves a name from {@code --servers}; bad names get a message listing the good ones. */
    static ServerSpec of(String name) {
        String java = Tools.java();
        String jar = Tools.classPath();
        List<String> jvm = List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", jar);
        Path repo = Tools.repository();
        String jsock = repo == null ? null : repo.resolve("jsock").toString();
        String noJsock = jsock == null ? "run it from a jsock checkout (./jsock not found)" : null;
        switch (name) {
            case C, "c-uring" -> {
                CReference c = CReference.named(name);
                return new ServerSpec(name, List.of("{" + name + "}", "127.0.0.1:0"), true, c.missing(), false);
            }
            case "netty-epoll", "netty-uring", "netty-nio" -> {
                return new ServerSpec(name, concat(jvm, NettyEcho.class.getName(), name.substring(6), "127.0.0.1:0"), true, null, false);
            }
            case "jdk-virtual", "jdk-thread" -> {
                return new ServerSpec(name, concat(jvm, JdkEcho.class.getName(), name.substring(4), "127.0.0.1:0"), true, null, false);
            }
            case "tcpserver" -> {
                String miss = Tools.onPath("tcpserver") == null ? "needs ucspi-tcp: apt-get install ucspi-tcp (or scripts/install-deps.sh)" : null;
                // -R -H -l 0: no ident or DNS look-ups (jsock does none); -c/-b: no cap below the load's.
                return new ServerSpec(name, List.of("tcpserver", "-R", "-H", "-l", "0", "-c", "20000", "-b", "4096",
                        "127.0.0.1", "{port}", "cat"), false, miss, true);
            }
            case "process-cat" -> {
                return new ServerSpec(name, nullSafe(jsock, "serve", "exec", "--model", "process", "--backlog", "4096",
                        "--bind", "127.0.0.1:0", "--", "cat"), true, noJsock, true);
            }
            default -> {
                String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
                Model model = Model.all().stream().filter(m -> m.cliName().equals(base)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown server '" + name + "' (want "
                                + String.join(", ", ALL) + ", or a jsock model with :N such as pool:8)"));
                return new ServerSpec(name, nullSafe(jsock, "serve", "echo", "--model", name, "--backlog", "4096",
                        "--bind", "127.0.0.1:0"), true, noJsock, model instanceof Model.ProcessPerClient);
            }
        }
    }

    /** Parses a comma-separated list ("all" for every server). */
    static List<ServerSpec> list(String csv) {
        List<ServerSpec> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            s = s.strip();
            if (s.isEmpty()) continue;
            if (s.equals("all")) ALL.forEach(n -> out.add(of(n)));
            else out.add(of(s));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--servers names no server (want e.g. c-epoll,epoll:1,netty-epoll)");
        return out;
    }

    /** The command with its placeholders filled in: the C binary's path (built in {@code dir} if needed), a free port. */
    List<String> resolve(Path dir) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String a : command) {
            CReference c = a.startsWith("{c-") ? CReference.named(a.substring(1, a.length() - 1)) : null;
            if (c != null) out.add(c.build(dir).toString());
            else if (a.equals("{port}")) out.add(Integer.toString(freePort()));
            else out.add(a);
        }
        return out;
    }

    /**
     * The command with JVM options added where it runs a JVM: right after {@code java} for the Java
     * peers; for jsock (the ./jsock launcher) they go in {@code env} as JSOCK_JAVA_OPTS. Others are left alone.
     */
    List<String> withJvmOptions(List<String> resolved, String options, java.util.Map<String, String> env) {
        if (options == null || options.isBlank() || resolved.isEmpty()) return resolved;
        if (resolved.get(0).equals(Tools.java())) {
            List<String> out = new ArrayList<>(resolved);
            out.addAll(1, List.of(options.strip().split("\\s+")));
            return out;
        }
        if (resolved.get(0).endsWith("/jsock")) env.put("JSOCK_JAVA_OPTS", options.strip());
        return resolved;
    }

    /** Whether it runs on a JVM (jsock or a Java peer): what a JFR recording can look into. */
    boolean isJava() {
        return !command.isEmpty() && (command.get(0).equals(Tools.java()) || command.get(0).endsWith("/jsock"));
    }

    /** A port nothing listens on right now (for servers that cannot report port 0's choice). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> out = new ArrayList<>(head);
        out.addAll(List.of(tail));
        return out;
    }

    private static List<String> nullSafe(String jsock, String... args) {
        return jsock == null ? List.of() : concat(List.of(jsock), args);
    }
}
