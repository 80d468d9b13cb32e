package io.jsock.lab.net;

import io.jsock.socket.NetNamespace;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real network for reproducing what UNP 4.3 says about connect: three network namespaces,
 * client ↔ router ↔ server, joined by veth pairs, with forwarding on in the router.
 *
 * <pre>
 *   client                      router                         server
 *   eth0 10.213.K.2-9/26 ── toclient 10.213.K.1/26
 *                               toserver 10.213.K.65/26 ── eth0 10.213.K.66/26
 * </pre>
 *
 * <p>Every address lives in one /24 of the project's test block, {@code 10.213.K.0/24}, with
 * {@code K} derived from the process id and a counter. The addresses exist only inside this
 * instance's namespaces, so two instances never see each other even when their {@code K} agree;
 * nothing is added to the namespace this JVM runs in. Besides the hosts, the network has one
 * address for each way a connect can fail:
 *
 * <ul>
 *   <li>{@link #serverAddress()}: a host that is up; a port without a listener answers the SYN
 *       with RST (ECONNREFUSED, a hard error).
 *   <li>{@link #silentAddress()}: the router has a permanent neighbour entry for it with a MAC
 *       that no interface owns, so SYNs are forwarded and vanish (ETIMEDOUT once the SYN retries,
 *       TCP_SYNCNT, are spent).
 *   <li>{@link #hostUnreachableAddress()}: the router has {@code unreachable 10.213.K.128/27}, so
 *       it answers each SYN with ICMP host unreachable (EHOSTUNREACH).
 *   <li>{@link #prohibitedAddress()}: the router has {@code prohibit 10.213.K.160/27}: ICMP
 *       communication administratively prohibited, which Linux also reports as EHOSTUNREACH.
 *   <li>{@link #netUnreachableAddress()}: the client routes it to the router, which has no route:
 *       ICMP net unreachable (ENETUNREACH from the router).
 *   <li>{@link #unroutedAddress()}: the client has no route at all: ENETUNREACH at once, nothing sent.
 * </ul>
 *
 * <p>The namespaces are named {@code jsock-c-PID-N}, {@code jsock-r-PID-N}, {@code jsock-s-PID-N};
 * {@link #close()} deletes them, also after a failed set-up and from a JVM shutdown hook (for an
 * interrupted run). Namespaces left by a process that was killed outright are deleted by the next
 * {@link #create()}. Needs root and iproute2's {@code ip}: see {@link #unavailableReason()}.
 */
public final class TestNetwork implements AutoCloseable {
    private static final Duration IP_LIMIT = Namespaces.IP_LIMIT;
    /** How long {@link #exec(String, String...)} lets a program run. */
    private static final Duration EXEC_LIMIT = Duration.ofSeconds(60);
    /** A MAC no interface has (locally administered): frames sent to it are dropped by every receiver. */
    static final String NOBODYS_MAC = "02:00:5e:d5:00:77";

    /** How many addresses the client has, 10.213.K.2 up: see {@link #clientAddresses()}. */
    static final int CLIENT_ADDRESSES = 8;

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    // Fixed at construction.
    private final String client, router, server;
    private final int k;
    private final String ip;
    private final Thread shutdownHook;

    // Guarded by this: what close() must undo.
    private final List<String> made = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();
    private boolean closed;

    private TestNetwork(String ip, int n) {
        long pid = ProcessHandle.current().pid();
        this.ip = ip;
        this.client = "jsock-c-" + pid + "-" + n;
        this.router = "jsock-r-" + pid + "-" + n;
        this.server = "jsock-s-" + pid + "-" + n;
        this.k = (int) ((pid * 37 + n) % 256);
        this.shutdownHook = Thread.ofPlatform().name("jsock-testnet-cleanup").unstarted(this::deleteAll);
    }

    // ---- can it work here?

    /**
     * Why namespaces cannot be used here ({@code null} when they can): not root, no {@code ip}, or
     * {@code ip netns add} failing (e.g. in a container without CAP_SYS_ADMIN). Found out once, by
     * trying: a probe namespace is made and deleted.
     *
     * @return the reason, or {@code null} when namespaces work here
     */
    public static String unavailableReason() {
        return Namespaces.unavailableReason();
    }

    /**
     * Whether {@link #create()} can work here.
     *
     * @return true when {@link #unavailableReason()} is null
     */
    public static boolean isAvailable() {
        return unavailableReason() == null;
    }

    // ---- set-up

    /**
     * Builds the network: three namespaces, two veth pairs, addresses, routes, forwarding in the
     * router, and the failure addresses listed in the class comment. A failure part-way undoes
     * what was made and throws.
     *
     * @return the network, ready; close it when done
     * @throws IOException when namespaces cannot be used here (the message says why) or a step fails
     */
    public static TestNetwork create() throws IOException {
        String reason = unavailableReason();
        if (reason != null) throw new IOException("cannot build a test network: " + reason);
        String ip = Namespaces.ip();
        Namespaces.sweepStale(ip);
        TestNetwork net = new TestNetwork(ip, INSTANCES.incrementAndGet());
        Runtime.getRuntime().addShutdownHook(net.shutdownHook);
        boolean success = false;
        try {
            net.build();
            success = true;
            return net;
        } finally {
            if (!success) net.close();
        }
    }

    private void build() throws IOException {
        for (String ns : List.of(client, router, server)) {
            Namespaces.add(ip, ns);
            synchronized (this) {
                made.add(ns);
            }
            ip(ns, "link", "set", "lo", "up");
        }
        // The veth pairs are made inside the namespaces, so no interface name ever appears in ours.
        ip(client, "link", "add", "eth0", "type", "veth", "peer", "name", "toclient", "netns", router);
        ip(server, "link", "add", "eth0", "type", "veth", "peer", "name", "toserver", "netns", router);
        for (int i = 0; i < CLIENT_ADDRESSES; i++) ip(client, "addr", "add", host(2 + i) + "/26", "dev", "eth0");
        ip(router, "addr", "add", host(1) + "/26", "dev", "toclient");
        ip(router, "addr", "add", host(65) + "/26", "dev", "toserver");
        ip(server, "addr", "add", host(66) + "/26", "dev", "eth0");
        ip(client, "link", "set", "eth0", "up");
        ip(router, "link", "set", "toclient", "up");
        ip(router, "link", "set", "toserver", "up");
        ip(server, "link", "set", "eth0", "up");

        sysctl(router, "net/ipv4/ip_forward", "1");
        // No per-destination limit in icmp_send()'s own check; the router's forwarding path has a
        // second one, global only (net.ipv4.route.error_cost): see clientAddresses().
        sysctl(router, "net/ipv4/icmp_ratelimit", "0");

        // The client reaches the server's link, the unreachable and prohibited /27s and the router-unrouted /27
        // through the router; 10.213.K.224/27 it has no route for.
        ip(client, "route", "add", host(64) + "/26", "via", host(1));
        ip(client, "route", "add", host(128) + "/26", "via", host(1));
        ip(client, "route", "add", host(192) + "/27", "via", host(1));
        ip(server, "route", "add", host(0) + "/26", "via", host(65));
        // The router: ICMP host unreachable for 10.213.K.128/27, administratively prohibited for
        // .160/27; SYNs to .77 go to a MAC nobody has.
        ip(router, "route", "add", "unreachable", host(128) + "/27");
        ip(router, "route", "add", "prohibit", host(160) + "/27");
        ip(router, "neigh", "add", host(77), "lladdr", NOBODYS_MAC, "dev", "toserver", "nud", "permanent");
    }

    // ---- names and addresses

    /**
     * The client namespace.
     *
     * @return its name (for {@code ip netns exec}, {@link #call}, {@link #counters})
     */
    public String client() {
        return client;
    }

    /**
     * The router namespace, which forwards between the client and the server.
     *
     * @return its name
     */
    public String router() {
        return router;
    }

    /**
     * The server namespace.
     *
     * @return its name
     */
    public String server() {
        return server;
    }

    /**
     * All three namespaces.
     *
     * @return their names: client, router, server
     */
    public List<String> namespaces() {
        return List.of(client, router, server);
    }

    /**
     * Where this instance's addresses come from.
     *
     * @return the /24, e.g. {@code 10.213.42.0/24}
     */
    public String subnet() {
        return "10.213." + k + ".0/24";
    }

    /**
     * The client's first address.
     *
     * @return 10.213.K.2
     */
    public Inet4Address clientAddress() {
        return addr(2);
    }

    /**
     * The client's addresses, 10.213.K.2 to 10.213.K.9 (the first is {@link #clientAddress()}).
     * The router limits the ICMP errors it sends to each source address (the global
     * {@code net.ipv4.route.error_cost}, 1 per second with a burst of 5), so a test whose evidence is
     * "every SYN was answered by an unreachable" binds its socket to an address of its own.
     *
     * @return the eight addresses, in order
     */
    public List<Inet4Address> clientAddresses() {
        List<Inet4Address> all = new ArrayList<>();
        for (int i = 0; i < CLIENT_ADDRESSES; i++) all.add(addr(2 + i));
        return List.copyOf(all);
    }

    /**
     * The router on the client's link (the client's gateway).
     *
     * @return 10.213.K.1
     */
    public Inet4Address routerClientSide() {
        return addr(1);
    }

    /**
     * The router on the server's link.
     *
     * @return 10.213.K.65
     */
    public Inet4Address routerServerSide() {
        return addr(65);
    }

    /**
     * The server: up, reached through the router; a port without a listener answers RST (ECONNREFUSED).
     *
     * @return 10.213.K.66
     */
    public Inet4Address serverAddress() {
        return addr(66);
    }

    /**
     * An address the router forwards to a MAC nobody owns: SYNs vanish (ETIMEDOUT).
     *
     * @return 10.213.K.77
     */
    public Inet4Address silentAddress() {
        return addr(77);
    }

    /**
     * An address whose route in the router is {@code unreachable}: ICMP host unreachable (EHOSTUNREACH).
     *
     * @return 10.213.K.130
     */
    public Inet4Address hostUnreachableAddress() {
        return addr(130);
    }

    /**
     * An address whose route in the router is {@code prohibit}: ICMP "administratively prohibited" (EHOSTUNREACH).
     *
     * @return 10.213.K.170
     */
    public Inet4Address prohibitedAddress() {
        return addr(170);
    }

    /**
     * An address the client routes to the router, which has no route: ICMP net unreachable (ENETUNREACH).
     *
     * @return 10.213.K.200
     */
    public Inet4Address netUnreachableAddress() {
        return addr(200);
    }

    /**
     * An address the client has no route to: connect fails at once with ENETUNREACH, nothing sent.
     *
     * @return 10.213.K.230
     */
    public Inet4Address unroutedAddress() {
        return addr(230);
    }

    private String host(int last) {
        return "10.213." + k + "." + last;
    }

    private Inet4Address addr(int last) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {10, (byte) 213, (byte) k, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always an address
        }
    }

    // ---- running things inside

    /**
     * Runs {@code ip -n NS ARGS...}.
     *
     * @param ns   the namespace; never null
     * @param args ip's arguments, e.g. {@code "link", "set", "lo", "up"}
     * @throws IOException when ip fails, with its message
     */
    public void ip(String ns, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(ip, "-n", ns));
        argv.addAll(List.of(args));
        Exec.run(IP_LIMIT, argv).check();
    }

    /**
     * Runs a program in a namespace ({@code ip netns exec}) to its end, within 60 s.
     *
     * @param ns   the namespace; never null
     * @param argv the program and its arguments (no shell)
     * @return its exit status and output
     * @throws IOException when it cannot be started or runs over the limit (it is then killed)
     */
    public Exec.Result exec(String ns, String... argv) throws IOException {
        return exec(EXEC_LIMIT, ns, List.of(argv));
    }

    /**
     * Runs a program in a namespace to its end, within {@code limit}.
     *
     * @param limit how long it may run; never null
     * @param ns    the namespace; never null
     * @param argv  the program and its arguments (no shell); never null
     * @return its exit status and output
     * @throws IOException when it cannot be started or runs over the limit (it is then killed)
     */
    public Exec.Result exec(Duration limit, String ns, List<String> argv) throws IOException {
        return Exec.run(limit, inNamespace(ns, argv));
    }

    /**
     * Starts {@code argv} in namespace {@code ns} and returns it running, for the caller to talk to
     * and wait for; {@link #close()} kills and reaps it if it is still there.
     *
     * @param ns   the namespace; never null
     * @param argv the program and its arguments (no shell); never null
     * @return the running process
     * @throws IOException when it cannot be started
     * @throws IllegalStateException when the network is closed
     */
    public synchronized Process start(String ns, List<String> argv) throws IOException {
        if (closed) throw new IllegalStateException("test network closed");
        Process p = new ProcessBuilder(inNamespace(ns, argv)).start();
        started.add(p);
        return p;
    }

    private List<String> inNamespace(String ns, List<String> argv) {
        List<String> all = new ArrayList<>(List.of(ip, "netns", "exec", ns));
        all.addAll(argv);
        return all;
    }

    /**
     * Runs {@code task} in namespace {@code ns} on a thread of its own ({@link NetNamespace#call}):
     * sockets it opens stay in that namespace.
     *
     * @param <T>  what the task returns
     * @param ns   the namespace; never null
     * @param task what to run there; never null
     * @return what the task returned
     * @throws IOException when the namespace cannot be entered, or from the task
     */
    public <T> T call(String ns, NetNamespace.Task<T> task) throws IOException {
        return NetNamespace.call(ns, task);
    }

    /**
     * A snapshot of a namespace's protocol counters ({@code /proc/net/snmp} and {@code netstat}).
     *
     * @param ns the namespace; never null
     * @return the counters as they are now
     * @throws IOException when the namespace cannot be entered or the files read
     */
    public NetCounters counters(String ns) throws IOException {
        return NetNamespace.call(ns, () -> NetCounters.parse(
                Files.readString(Path.of("/proc/thread-self/net/snmp")),
                Files.readString(Path.of("/proc/thread-self/net/netstat"))));
    }

    /**
     * Writes a sysctl of a namespace, e.g. {@code sysctl(router(), "net/ipv4/ip_forward", "1")}.
     *
     * @param ns    the namespace; never null
     * @param key   the path under {@code /proc/sys}; never null
     * @param value the value; never null
     * @throws IOException when the namespace cannot be entered or the file written
     */
    public void sysctl(String ns, String key, String value) throws IOException {
        NetNamespace.call(ns, () -> Files.writeString(Path.of("/proc/sys", key), value + "\n", StandardCharsets.US_ASCII));
    }

    // ---- tearing down

    /** Kills what {@link #start} started, then deletes the namespaces (and with them the veths). Safe to call more than once. */
    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it finds nothing left to do.
        }
    }

    private void deleteAll() {
        List<Process> procs;
        List<String> names;
        synchronized (this) {
            closed = true;
            procs = new ArrayList<>(started);
            names = new ArrayList<>(made);
            started.clear();
            made.clear();
        }
        procs.forEach(Exec::kill);
        for (String ns : names.reversed()) Namespaces.deleteQuietly(ip, ns);
    }

    @Override
    public String toString() {
        return "TestNetwork[" + client + " ↔ " + router + " ↔ " + server + ", " + subnet() + "]";
    }
}
