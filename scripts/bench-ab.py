#!/usr/bin/env python3
"""Two builds of jsock under the same load, passes interleaved (order alternating), medians printed.

    scripts/bench-ab.py BEFORE_JAR AFTER_JAR [--models epoll:1,virtual] [--passes 3] [--connections 10,100]

Each build's jar runs `serve echo --model M`; the load is jsock bench's own generator aimed at it
(`bench/target/jsock-bench.jar --target ADDR --pid PID`), which reads the server's CPU time from /proc.
Build BEFORE_JAR from an older commit, e.g. `git worktree add /tmp/old REV && (cd /tmp/old && mvn -q
-DskipTests package)`, then pass /tmp/old/cli/target/jsock.jar. Run it alone on the machine.
"""
import argparse, os, re, signal, statistics, subprocess, time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('before'); ap.add_argument('after')
ap.add_argument('--models', default='epoll:1,virtual')
ap.add_argument('--passes', type=int, default=3)
ap.add_argument('--connections', default='10,100')
ap.add_argument('--duration', default='5s')
args = ap.parse_args()
java = subprocess.run([os.path.join(here, 'java-home.sh')], capture_output=True, text=True, check=True).stdout.strip() + '/bin/java'
bench = os.path.join(here, '..', 'bench', 'target', 'jsock-bench.jar')
jars = {'before': args.before, 'after': args.after}
line = re.compile(r'c=(\d+): ([\d.]+) .*server CPU ([\d.]+) us/op.*errors (\d+)')
rows = []
for p in range(args.passes):
    for model in args.models.split(','):
        for which in (['before', 'after'] if p % 2 == 0 else ['after', 'before']):
            server = subprocess.Popen([java, '--enable-native-access=ALL-UNNAMED', '-jar', jars[which], 'serve', 'echo',
                                       '--model', model, '--backlog', '4096', '--bind', '127.0.0.1:0'],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                port, deadline = None, time.time() + 30
                while port is None and time.time() < deadline:
                    m = re.search(r'listening on 127\.0\.0\.1:(\d+)', server.stderr.readline())
                    port = m and m.group(1)
                if port is None:
                    raise SystemExit(f'{which} {model}: the server did not say where it listens')
                run = subprocess.run([java, '--enable-native-access=ALL-UNNAMED', '-jar', bench, '--target', f'127.0.0.1:{port}',
                                      '--pid', str(server.pid), '--connections', args.connections, '--duration', args.duration,
                                      '--warmup', '2s', '--passes', '1'], capture_output=True, text=True, timeout=600)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
            for m in line.finditer(run.stdout):
                rows.append((which, model, int(m.group(1)), float(m.group(2)), float(m.group(3)), int(m.group(4))))
            print(f'pass {p} {model} {which}: done', flush=True)
with open('/proc/loadavg') as f:
    print('load average (1/5/15 min) at the end:', ' '.join(f.read().split()[:3]))
for model in args.models.split(','):
    for c in sorted({r[2] for r in rows}):
        for which in ('before', 'after'):
            sel = [r for r in rows if r[0] == which and r[1] == model and r[2] == c]
            if sel:
                print(f'{model:10} c={c:<4} {which:6}  req/s median {statistics.median(r[3] for r in sel):9.0f} '
                      f'{[round(r[3]) for r in sel]}  server CPU us/op median {statistics.median(r[4] for r in sel):6.2f} '
                      f'{[r[4] for r in sel]}  errors {sum(r[5] for r in sel)}')
