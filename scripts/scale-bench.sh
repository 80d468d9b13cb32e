#!/usr/bin/env bash
# The figures of issue 11, in one run, on loopback (a BENCHMARK: run it alone on the machine).
#
#  1. connections/s and errors through HAProxy (deploy/haproxy.cfg) with 1, 2 and 3
#     `jsock serve echo --proxy-protocol` instances behind it, side by side;
#  2. the connections a restart fails (failed connects, echoes lost) under a steady connect/echo/close load, for each way to restart:
#     $TAKEOVERS --takeover in a row (the listener passed over SCM_RIGHTS), a plain stop-and-start, and a SO_REUSEPORT
#     restart (start a second --reuseport process, then stop the first: its accept queue is dropped,
#     net.ipv4.tcp_migrate_req=0 on this kernel).
#
# The load is jsock bench's generator (--target ... --mode crr): connect, one echo, close.
# Usage: scripts/scale-bench.sh [DURATION [CONNECTIONS]]     e.g. scripts/scale-bench.sh 40s 16
#        TAKEOVERS=2 scripts/scale-bench.sh 4s 2              a tiny run: checks the script works
# TAKEOVERS (default 10): the takeovers in a row under one load; each starts a JVM (a second or two),
# so give DURATION room for all of them: the run says how many happened while the load ran.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-30s}"
connections="${2:-8}"
jsock="$here/jsock"
work="$(mktemp -d "${TMPDIR:-/tmp}/jsock-scale.XXXXXX")"
pids=()

cleanup() {
  # a restarter still running (the run was interrupted) first, so that it starts no server after this
  for j in $(jobs -p); do kill -TERM "$j" 2>/dev/null || true; done
  sleep 0.2
  for f in "$work"/*.pid; do [ -f "$f" ] && pids+=("$(cat "$f")"); done
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

command -v haproxy >/dev/null || { echo "scale-bench: haproxy is not installed (scripts/install-deps.sh)" >&2; exit 1; }
"$jsock" --version >/dev/null # builds the jar once, before anything is timed
"$jsock" bench --help >/dev/null # and the bench jar

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve NAME ARGS...: starts `jsock serve ARGS` in the background, logging to $work/NAME.log; waits for its
# listening line; sets $started_pid.
serve() {
  local name="$1"; shift
  "$jsock" serve "$@" >>"$work/$name.log" 2>&1 & # nothing of it holds this script's output open
  started_pid=$!
  pids+=("$started_pid")
  for _ in $(seq 600); do
    grep -q "listening on" "$work/$name.log" 2>/dev/null && return 0
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "scale-bench: jsock serve $* did not start:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

# load ADDR: the generator against ADDR for $duration; prints its result line. A load that saw errors
# makes jsock bench exit 1: here that is a result to print (a restart's cost), not a reason to stop.
load() {
  { "$jsock" bench --target "$1" --mode crr --connections "$connections" --duration "$duration" --warmup 1s || true; } | grep '^crr' || true
}

# gone PID: waits until the process has exited (a zombie counts: its sockets are closed).
gone() { while [ -e "/proc/$1" ] && ! grep -q ') Z' "/proc/$1/stat" 2>/dev/null; do sleep 0.05; done; }
# stop PID: SIGTERM, and wait when it is this shell's child.
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || gone "$1"; }

seconds() { case "$1" in *ms) awk -v v="${1%ms}" 'BEGIN { print v / 1000 }' ;; *s) echo "${1%s}" ;; *m) echo "$(( ${1%m} * 60 ))" ;; *) echo "$1" ;; esac; }
half="$(awk -v d="$(seconds "$duration")" 'BEGIN { print d / 2 + 1 }')" # the 1 s warm-up, then half the measured time
takeovers="${TAKEOVERS:-10}"

echo "== 1. through HAProxy (deploy/haproxy.cfg, leastconn, send-proxy-v2): $connections connections, $duration"
ports=()
for i in 1 2 3; do
  p="$(free_port)"
  ports+=("$p")
  serve "jsock$i" echo --bind "127.0.0.1:$p" --proxy-protocol --proxy-from 127.0.0.1/32
done
for n in 1 2 3; do
  front="127.0.0.1:$(free_port)"
  # deploy/haproxy.cfg with the servers past the n-th removed
  awk -v n="$n" '!/^ *server jsock[0-9]+/ || substr($2, 6) + 0 <= n' "$here/deploy/haproxy.cfg" >"$work/haproxy-$n.cfg"
  JSOCK_FRONTEND="$front" HAPROXY_STATS="$work/haproxy-$n.sock" \
    JSOCK_1="127.0.0.1:${ports[0]}" JSOCK_2="127.0.0.1:${ports[1]}" JSOCK_3="127.0.0.1:${ports[2]}" \
    haproxy -db -f "$work/haproxy-$n.cfg" >"$work/haproxy-$n.log" 2>&1 &
  hp=$!
  pids+=("$hp")
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/${front%:*}/${front#*:}") 2>/dev/null && break; sleep 0.1; done
  sleep 1.5 # the health checks (inter 500ms, rise 2) mark the servers up
  printf '%d instance(s): ' "$n"
  load "$front"
  stop "$hp"
done

echo
echo "== 2. restarts under load (direct, no HAProxy): $connections connections, $duration, the restart halfway"

# first_connection PORT: waits (at most 60 s) until a connection to PORT is established: the generator's
# JVM has started, and its warm-up begins.
first_connection() {
  for _ in $(seq 600); do
    [ -n "$(ss -Htn state established "( sport = :$1 )" 2>/dev/null | head -1)" ] && return 0
    sleep 0.1
  done
}

# restart LABEL WHEN LOGS PROOF EXPECTED ACTION: the load on $port for $duration, with the function ACTION
# run in the background WHEN seconds after the generator's first connection (its warm-up is 1 s); it may
# use $port and $old, the running server's pid. Says how many of the EXPECTED restarts had happened when
# the load ended: the logs $work/LOGS (a glob) that hold the line PROOF. Then every server of the
# scenario is stopped.
restart() {
  local label="$1" when="$2" logs="$3" proof="$4" expected="$5" action="$6"
  ( first_connection "$port"; sleep "$when"; "$action" ) &
  local restarter=$!
  printf '%-27s' "$label:"
  load "127.0.0.1:$port"
  # shellcheck disable=SC2086 # LOGS is a glob
  local done_in_time; done_in_time="$(grep -l "$proof" $work/$logs 2>/dev/null | wc -l)"
  echo "  ($done_in_time of $expected restart(s) happened during the load$([ "$done_in_time" -lt "$expected" ] && echo ': give a longer DURATION'))"
  wait "$restarter" || true
  for f in "$work"/*.pid; do [ -f "$f" ] && stop "$(cat "$f")" && rm -f "$f"; done
  stop "$old"
}
# successor NAME ARGS...: a second server, its pid kept for the end of the scenario.
successor() { local name="$1"; shift; serve "$name" "$@"; echo "$started_pid" >"$work/$name.pid"; }

# TAKEOVERS successors in a row, each taking the listener from the one before over the control socket.
takeovers() {
  for i in $(seq "$takeovers"); do
    successor "takeover-$i" echo --bind "127.0.0.1:$port" --control "$work/jsock.ctl" --takeover --grace 5s
  done
}
plain() { kill -TERM "$old"; gone "$old"; successor plain-new echo --bind "127.0.0.1:$port" --grace 5s; }
reuseport() { successor reuseport-new echo --bind "127.0.0.1:$port" --reuseport --grace 5s; kill -TERM "$old"; }

port="$(free_port)"
serve takeover-0 echo --bind "127.0.0.1:$port" --control "$work/jsock.ctl" --grace 5s
old=$started_pid
# from the end of the warm-up, one after the other; each old server logs "taken over by pid N" as it stops
restart "$takeovers takeovers (--takeover)" 1 'takeover-*.log' "taken over by pid" "$takeovers" takeovers

port="$(free_port)"
serve plain-old echo --bind "127.0.0.1:$port" --grace 5s
old=$started_pid
restart "plain stop and start" "$half" plain-new.log "listening on" 1 plain

port="$(free_port)"
serve reuseport-old echo --bind "127.0.0.1:$port" --reuseport --grace 5s
old=$started_pid
restart "SO_REUSEPORT restart" "$half" reuseport-old.log "SIGTERM: stopping" 1 reuseport

echo
echo "In crr each error is one connection lost: a failed connect (ECONNREFUSED while nothing listens) or an"
echo "echo that did not come back whole (ECONNRESET: its bytes lost, e.g. queued on a closed SO_REUSEPORT"
echo "listener); the first one is named. errors 0 is 0 failed connects and 0 lost bytes."
echo "(net.ipv4.tcp_migrate_req=$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo '?'); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
