#!/usr/bin/env python3
"""What a child JVM costs in the process model.

1. Spawn to first echoed byte, the child started directly (one end of a socketpair as its stdin),
   with the child's wall time and its CPU time (user + sys, from wait4: robust on a busy machine):
   - bare:        java -cp jsock.jar io.jsock.server.process.ChildMain serve service:ECHO
   - flags:       the command the server runs (ChildMain command), without the AOT cache
   - flags + AOT: the same with -XX:AOTCache (built first with ChildMain train)
   - and -Xint:   the same, interpreted only (-Djsock.child.flags=-Xint on the server)
2. Connect to first echoed byte through the server, N connections one after another:
   `jsock serve echo --model process` without and with the AOT cache, `jsock serve exec -- cat`
   (a native child), and `--model virtual` (no child) for scale.

    scripts/child-start-cost.py [N]        (default 20; builds cli/target/jsock.jar if stale)
"""
import os, re, signal, socket, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(HERE, "cli", "target", "jsock.jar")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def java():
    home = subprocess.run([os.path.join(HERE, "scripts", "java-home.sh")], capture_output=True, text=True).stdout.strip()
    return os.path.join(home, "bin", "java")


def child_main(*args, opts=()):
    r = subprocess.run([java(), "--enable-native-access=ALL-UNNAMED", *opts, "-cp", JAR, "io.jsock.server.process.ChildMain", *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("ChildMain " + " ".join(args) + ": " + r.stderr)
    return r.stdout.splitlines()


def summary(label, wall, cpu=None):
    wall = sorted(wall)
    line = f"{label:46s} wall min {wall[0]:6.1f} median {statistics.median(wall):6.1f} p90 {wall[int(len(wall) * 0.9) - 1]:6.1f} ms"
    if cpu:
        line += f" | child CPU median {statistics.median(cpu):6.1f} ms"
    print(line + f"  (n={len(wall)})", flush=True)


def direct(argv):
    """Spawns argv with a socketpair end as stdin; returns (ms to first echoed byte, child CPU ms)."""
    a, b = socket.socketpair()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=b, stdout=subprocess.DEVNULL, close_fds=True)
    b.close()
    a.sendall(b"x")
    got = a.recv(1)
    wall = (time.perf_counter() - t0) * 1000
    assert got == b"x", got
    a.shutdown(socket.SHUT_WR)
    while a.recv(4096):
        pass
    a.close()
    _, _, ru = os.wait4(p.pid, 0)
    p.returncode = 0
    return wall, (ru.ru_utime + ru.ru_stime) * 1000


def start_server(args, java_opts=""):
    env = dict(os.environ, JSOCK_JAVA_OPTS=java_opts)
    err = tempfile.TemporaryFile()
    p = subprocess.Popen([os.path.join(HERE, "jsock")] + args, stdout=subprocess.DEVNULL, stderr=err, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:
        err.seek(0)
        m = re.search(rb"listening on ([0-9.]+):(\d+)", err.read())
        if m:
            return p, (m.group(1).decode(), int(m.group(2)))
        if p.poll() is not None:
            break
        time.sleep(0.1)
    err.seek(0)
    sys.exit("server did not start: " + err.read().decode(errors="replace"))


def first_byte_ms(addr):
    t0 = time.perf_counter()
    s = socket.create_connection(addr, timeout=60)
    s.sendall(b"x")
    got = s.recv(1)
    t1 = time.perf_counter()
    assert got == b"x", got
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    s.close()
    return (t1 - t0) * 1000


def through_server(label, args, java_opts=""):
    p, addr = start_server(args, java_opts)
    try:
        xs = [first_byte_ms(addr) for _ in range(N)]
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)
    summary(label, xs)


if __name__ == "__main__":
    subprocess.run([os.path.join(HERE, "jsock"), "--version"], stdout=subprocess.DEVNULL, check=True)  # builds the jar
    bare = [java(), "--enable-native-access=ALL-UNNAMED", "-cp", JAR, "io.jsock.server.process.ChildMain", "serve", "service:ECHO"]
    flags = child_main("command", "service:ECHO", opts=["-Djsock.aot=off"])
    cache = child_main("train", "service:ECHO")[-1]
    with_aot = child_main("command", "service:ECHO")
    child_main("train", "service:ECHO", opts=["-Djsock.child.flags=-Xint"])  # its own cache: the flags differ
    assert any(a.startswith("-XX:AOTCache=") for a in with_aot), with_aot
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; AOT cache {cache}")
    print("child flags: " + " ".join(a for a in with_aot if a.startswith("-X") or a.startswith("--")))
    runs = {"spawn ChildMain directly: bare java": bare, "  ... with the server's flags, no AOT cache": flags,
            "  ... with the server's flags and the AOT cache": with_aot,
            "  ... and -Djsock.child.flags=-Xint": child_main("command", "service:ECHO", opts=["-Djsock.child.flags=-Xint"])}
    assert "-Xint" in runs["  ... and -Djsock.child.flags=-Xint"]
    results = {k: ([], []) for k in runs}
    for _ in range(N):  # interleaved, so load changes hit all alike
        for k, argv in runs.items():
            w, c = direct(argv)
            results[k][0].append(w)
            results[k][1].append(c)
    for k, (w, c) in results.items():
        summary(k, w, c)
    through_server("server: process, child JVM, no AOT cache", ["serve", "echo", "--model", "process", "--bind", "127.0.0.1:0"], "-Djsock.aot=off")
    through_server("server: process, child JVM, AOT cache", ["serve", "echo", "--model", "process", "--bind", "127.0.0.1:0"])
    through_server("server: process, exec cat (native child)", ["serve", "exec", "--bind", "127.0.0.1:0", "--", "cat"])
    through_server("server: virtual (no child), for scale", ["serve", "echo", "--model", "virtual", "--bind", "127.0.0.1:0"])
    print(f"load average after {os.getloadavg()[0]:.2f}")
