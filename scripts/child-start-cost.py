#!/usr/bin/env python3
"""What a connection costs in the process model: the time from connect to the first echoed byte.

Runs `./jsock serve echo --model process` (a child JVM per connection) without and with the AOT
cache, and `./jsock serve exec -- cat` (a native child) for comparison; N connections one after
another each; prints min / median / p90 in milliseconds. Connect to first byte is accept + spawn +
the child's start + one echo: for the JVM child, almost all of it is the JVM's start.

    scripts/child-start-cost.py [N]        (default 20)
"""
import glob, os, re, signal, socket, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def start(args, java_opts=""):
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


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=60)


def run(label, args, java_opts="", warm=None):
    p, addr = start(args, java_opts)
    try:
        if warm:
            warm(addr)
        xs = [first_byte_ms(addr) for _ in range(N)]
    finally:
        stop(p)
    xs.sort()
    print(f"{label:44s} min {xs[0]:7.1f}  median {statistics.median(xs):7.1f}  p90 {xs[int(len(xs) * 0.9) - 1]:7.1f} ms  (n={N})")


def until_cache(addr):
    """One connection starts the training run; wait for the cache it writes."""
    before = {f: os.path.getmtime(f) for f in glob.glob(os.path.join(tempfile.gettempdir(), "jsock-aot-*", "child.aot"))}
    first_byte_ms(addr)
    deadline = time.time() + 300
    while time.time() < deadline:
        now = glob.glob(os.path.join(tempfile.gettempdir(), "jsock-aot-*", "child.aot"))
        if any(f not in before or os.path.getmtime(f) != before[f] for f in now) or before:
            return
        time.sleep(0.5)
    sys.exit("no AOT cache was written")


def direct(label, argv):
    """Spawns the child JVM ourselves with one end of a socketpair as its stdin: spawn to first byte."""
    xs = []
    for _ in range(N):
        a, b = socket.socketpair()
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=b, stdout=subprocess.DEVNULL, close_fds=True)
        b.close()
        a.sendall(b"x")
        got = a.recv(1)
        xs.append((time.perf_counter() - t0) * 1000)
        assert got == b"x", got
        a.shutdown(socket.SHUT_WR)
        while a.recv(4096):
            pass
        a.close()
        p.wait()
    xs.sort()
    print(f"{label:44s} min {xs[0]:7.1f}  median {statistics.median(xs):7.1f}  p90 {xs[int(len(xs) * 0.9) - 1]:7.1f} ms  (n={N})")


if __name__ == "__main__":
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    run("process, child JVM, no AOT cache", ["serve", "echo", "--model", "process", "--bind", "127.0.0.1:0"],
        "-Djsock.aot=off")
    run("process, child JVM, AOT cache", ["serve", "echo", "--model", "process", "--bind", "127.0.0.1:0"],
        warm=until_cache)
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    jar = os.path.join(HERE, "cli", "target", "jsock.jar")
    direct("spawn: java -cp jsock.jar ChildMain, no flags", [java, "--enable-native-access=ALL-UNNAMED", "-cp", jar,
           "io.jsock.server.ChildMain", "serve", "service:ECHO"])
    run("process, exec cat (native child)", ["serve", "exec", "--bind", "127.0.0.1:0", "--", "cat"])
    run("virtual (no child, for scale)", ["serve", "echo", "--model", "virtual", "--bind", "127.0.0.1:0"])
