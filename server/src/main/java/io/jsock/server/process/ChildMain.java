package io.jsock.server.process;

import io.jsock.server.Connection;
import io.jsock.server.Handler;
import io.jsock.server.serving.LiveConnection;

import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Path;

/**
 * The main class of the child JVMs the {@code process} and {@code prefork} models start for a Java
 * {@link Handler}.
 *
 * <pre>
 * ChildMain serve HANDLER [ID]         the socket at descriptor 0 is one connection: serve it, exit
 * ChildMain worker HANDLER OPTIONS     the listener at descriptor 3: a prefork worker (see {@link PreforkWorker})
 * ChildMain worker -- COMMAND...       the same, spawning COMMAND per connection
 * ChildMain train HANDLER              builds the AOT cache now (else the first server does, in the background)
 * ChildMain command HANDLER            prints the child command a server would run, one argument per line
 * </pre>
 *
 * HANDLER is {@code service:NAME} (a constant of {@code io.jsock.server.Service}),
 * {@code enum:CLASS#NAME} or {@code class:CLASS} (a no-arg constructor); see {@link ChildJvm#handlerSpec}.
 * Exit status: 0 served, 1 the connection failed (one line on stderr), 2 bad arguments.
 */
public final class ChildMain {
    private ChildMain() {}

    /**
     * Runs one of the modes above and exits with its status.
     *
     * @param args the mode and its arguments
     */
    public static void main(String[] args) {
        if (args.length < 2) usage("expected 'serve HANDLER [ID]' or 'worker HANDLER|-- COMMAND...'");
        int status = switch (args[0]) {
            case "serve" -> serve(handler(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 0);
            case "worker" -> PreforkWorker.run(args);
            case "train" -> train(args[1]);
            case "command" -> {
                handler(args[1]);
                ChildJvm.command("serve", args[1]).forEach(System.out::println);
                yield 0;
            }
            default -> {
                usage("unknown mode '" + args[0] + "': expected serve or worker");
                yield 2;
            }
        };
        System.exit(status);
    }

    private static int train(String spec) {
        handler(spec);
        Path file = AotCache.INSTANCE.file();
        if (file == null) {
            System.err.println("jsock: no AOT cache here (-Djsock.aot=off, or a class path with directories)");
            return 1;
        }
        try {
            if (!AotCache.INSTANCE.train(spec)) {
                System.err.println("jsock: the training run wrote no cache");
                return 1;
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("jsock: training failed: " + e);
            return 1;
        }
        System.out.println(file);
        return 0;
    }

    /** UNP's child: the connection is descriptor 0; doit(connfd); exit. */
    static int serve(Handler handler, long id) {
        Socket s;
        try {
            s = Socket.adopt(0);
        } catch (IOException e) {
            System.err.println("jsock child: " + e.getMessage());
            return 2;
        }
        Connection c = new LiveConnection(id, s, peer(s));
        try {
            handler.serve(c);
            return 0;
        } catch (IOException e) {
            System.err.println("jsock child " + ProcessHandle.current().pid() + " " + c + ": " + e.getMessage());
            return 1;
        } finally {
            s.close(); // the last reference to the connection: FIN now, before the JVM winds down
        }
    }

    private static SockAddr peer(Socket s) {
        try {
            return s.getpeername();
        } catch (IOException e) {
            return null; // the client is gone already (ENOTCONN): the handler will find out
        }
    }

    /** Builds the handler a {@link ChildJvm#handlerSpec} names. */
    static Handler handler(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon);
        String name = spec.substring(colon + 1);
        try {
            switch (kind) {
                case "service":
                    return enumConstant("io.jsock.server.Service", name);
                case "enum": {
                    int hash = name.indexOf('#');
                    if (hash < 0) break;
                    return enumConstant(name.substring(0, hash), name.substring(hash + 1));
                }
                case "class": {
                    Constructor<?> ctor = Class.forName(name).getDeclaredConstructor();
                    ctor.setAccessible(true);
                    return (Handler) ctor.newInstance();
                }
                default:
                    break;
            }
        } catch (ReflectiveOperationException | ClassCastException | IllegalArgumentException e) {
            usage("cannot build handler '" + spec + "': " + e);
        }
        usage("bad handler '" + spec + "': expected service:NAME, enum:CLASS#NAME or class:CLASS");
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Handler enumConstant(String className, String constant) throws ClassNotFoundException {
        Class<? extends Enum> k = (Class<? extends Enum>) Class.forName(className);
        return (Handler) Enum.valueOf(k, constant);
    }

    static void usage(String message) {
        System.err.println("jsock child: " + message);
        System.exit(2);
    }
}
