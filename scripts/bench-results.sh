#!/usr/bin/env bash
# Regenerates bench/RESULTS.md: every jsock model and every peer side by side (a BENCHMARK: run it alone on
# the machine; the full run takes about an hour). Writes the markdown with the command lines, the date, the
# load average before and after each run, and the figures; copies the charts to bench/figures/results-*/.
# Sections written by hand (between <!-- hand: NAME --> and <!-- /hand: NAME --> lines, e.g. "Profile
# findings") are kept from the file being replaced.
#
# Usage: scripts/bench-results.sh [--quick] [--pin] [--out FILE] [--servers LIST] [--passes N] [--duration D]
#                                 [--warmup D] [--scale LIST] [--idle LIST]
#   --quick     every piece at tiny scale (300 ms cells, 100 ms warm-up, 1 pass, connections up to 100, idle 1000):
#               proves the script works, the figures mean nothing
#   --pin       server and generator on separate cores (jsock bench --pin)
#   --out       where the markdown goes (default bench/RESULTS.md; charts go to the directory of FILE/figures)
#   --servers   only these servers (the scale run: those of them that are in its list of peers and models)
#   --passes, --duration, --warmup   the timing of every run but check and idle (defaults 3, 5s, 2s)
#   --scale, --idle   the connection counts of the scale and idle runs (defaults 1,10,100,1000,10000 and 10000,100000)
#   --scale-servers   the servers of the scale run (default: its peers and models, or those of --servers)
# Every option given is written into the markdown's first line, so the file says how it was made.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jsock="$here/jsock"
quick=0 pin=() out="$here/bench/RESULTS.md" only="" passes="" duration="" warmup="" scale_opt="" idle_opt="" scale_servers="" given=""
need() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "bench-results: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --pin) pin=(--pin) ;;
    --out) need "$@"; out="$2"; shift ;;
    --servers) need "$@"; only="$2"; given+=" --servers $2"; shift ;;
    --passes) need "$@"; passes="$2"; given+=" --passes $2"; shift ;;
    --duration) need "$@"; duration="$2"; given+=" --duration $2"; shift ;;
    --warmup) need "$@"; warmup="$2"; given+=" --warmup $2"; shift ;;
    --scale) need "$@"; scale_opt="$2"; given+=" --scale $2"; shift ;;
    --idle) need "$@"; idle_opt="$2"; given+=" --idle $2"; shift ;;
    --scale-servers) need "$@"; scale_servers="$2"; given+=" --scale-servers $2"; shift ;;
    *) echo "bench-results: unknown argument '$1' (want --quick, --pin, --out FILE, --servers LIST, --passes N, --duration D, --warmup D, --scale LIST, --idle LIST, --scale-servers LIST)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  timing=(--duration=300ms --warmup=100ms --passes=1) scale=1,10,100 idle=1000 check=(--duration=1s --passes=1)
else
  timing=(--duration=5s --warmup=2s --passes=3) scale=1,10,100,1000,10000 idle=10000,100000 check=(--duration=10s --passes=1)
fi
[ -n "$passes" ] && timing=("${timing[@]/--passes=*/--passes=$passes}")
[ -n "$duration" ] && timing=("${timing[@]/--duration=*/--duration=$duration}")
[ -n "$warmup" ] && timing=("${timing[@]/--warmup=*/--warmup=$warmup}")
[ -n "$scale_opt" ] && scale="$scale_opt"
[ -n "$idle_opt" ] && idle="$idle_opt"
models="c-epoll,c-uring,epoll:1,epoll,uring:1,uring,virtual,thread,pool,prefork,iterative,process,process-cat,netty-epoll,netty-uring,netty-nio,jdk-virtual,jdk-thread,tcpserver"
peers_and_models="c-epoll,c-uring,epoll:1,virtual,thread,netty-epoll,netty-uring,jdk-virtual,jdk-thread"
if [ -n "$only" ]; then
  models="$only"
  peers_and_models="$(tr ',' '\n' <<<"$only" | grep -Fxf <(tr ',' '\n' <<<"$peers_and_models") | paste -sd, -)"
  [ -n "$peers_and_models" ] || peers_and_models="$only"
fi
[ -n "$scale_servers" ] && peers_and_models="$scale_servers"
work="$(mktemp -d "${TMPDIR:-/tmp}/jsock-results.XXXXXX")"
trap 'rm -rf "$work"' EXIT
figures="$(dirname "$out")/figures"
failed=0

# run NAME ARGS...: one jsock bench run, its output kept for the markdown, its charts copied.
run() {
  local name="$1"; shift
  local dir="$work/$name"
  mkdir -p "$dir"
  echo "bench-results: $name: jsock bench $*" >&2
  local before; before="$(cut -d' ' -f1-3 /proc/loadavg)"
  "$jsock" bench "$@" --out "$dir" >"$dir/stdout" 2>"$dir/stderr"
  local rc=$?
  {
    echo "jsock bench $*"
    echo "load average before: $before, after: $(cut -d' ' -f1-3 /proc/loadavg); exit $rc"
  } >"$dir/about"
  if [ $rc -ne 0 ]; then failed=1; fi
  mkdir -p "$figures/results-$name"
  for f in "$dir"/*.svg "$dir"/results.csv "$dir"/results.json; do [ -f "$f" ] && cp "$f" "$figures/results-$name/"; done
  return 0
}

run check --check "${check[@]}"
run rr --mode rr --connections 10,100 --servers "$models" "${timing[@]}" "${pin[@]}"
run crr --mode crr --connections 10 --servers "$models" "${timing[@]}" "${pin[@]}"
run scale --mode rr --connections "$scale" --servers "$peers_and_models" "${timing[@]}" "${pin[@]}"
run idle --mode idle --connections "$idle" --servers "$models" "${timing[@]/--passes=*/--passes=1}"
run syscalls --mode rr --connections 10,100 --servers "$models" --syscalls "${timing[@]/--passes=*/--passes=1}" "${pin[@]}"

# The hand-written sections of the file being replaced.
hand() {
  local name="$1"
  if [ -f "$out" ] && grep -q "^<!-- hand: $name -->" "$out"; then
    sed -n "/^<!-- hand: $name -->/,/^<!-- \/hand: $name -->/p" "$out"
  else
    printf '<!-- hand: %s -->\n%s\n<!-- /hand: %s -->\n' "$name" "$2" "$name"
  fi
}

section() {  # section NAME TITLE TEXT
  local dir="$work/$1"
  echo "## $2"
  echo
  [ -n "${3:-}" ] && { echo "$3"; echo; }
  echo '```'
  cat "$dir/about"
  echo
  cat "$dir/stdout"
  grep -v '^\s*$' "$dir/stderr" | grep -vE '^(pass |slice |pair |\[[0-9]+/[0-9]+\] )' | sed 's/^/stderr: /' || true
  echo '```'
  echo
  for svg in "$dir"/*.svg; do
    [ -f "$svg" ] && echo "![$1 $(basename "$svg" .svg)](figures/results-$1/$(basename "$svg"))"
  done
  echo
}

flags="$( [ "$quick" = 1 ] && echo ' --quick')$( [ ${#pin[@]} -gt 0 ] && echo ' --pin')$given"
tmp="$out.tmp"
{
  echo "# jsock bench: results on this machine"
  echo
  echo "Regenerated by \`scripts/bench-results.sh$flags\` on $(date -u '+%Y-%m-%d %H:%M UTC'):"
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), Linux $(uname -r),"
  echo "$("$jsock" --version 2>/dev/null | tr '\n' ' ')."
  echo "Load average at the start of each run is in its block. Medians over interleaved passes; ratios against"
  echo "c-epoll in the same run. $( [ ${#pin[@]} -gt 0 ] && echo 'Server and generator pinned to separate cores (--pin).' || echo 'Not pinned: server and generator share the cores.')"
  [ "$quick" = 1 ] && { echo; echo "**A --quick run: tiny cells that prove the script works; the figures mean nothing.**"; }
  echo
  echo "## Profile findings"
  echo
  hand profile "(written by hand: where the time went, from perf record / JFR; kept when this file is regenerated)"
  echo
  section check "Trust the numbers: the generator against an independent client" \
    "jsock bench --check: paired slices of the generator and a plain blocking java.net client on c-epoll (1 connection), and the generator's rate x mean latency (1 at one connection)."
  section rr "rr: 64-byte request/response, every model and peer, 10 and 100 connections"
  section crr "crr: connect, one 64-byte echo, close, 10 connections"
  section scale "How cost grows: 1 to $scale connections" "scale.svg: throughput and server CPU per echo against the number of connections."
  section idle "idle: server memory and descriptors per idle connection" \
    "100,000 idle connections need RLIMIT_NOFILE above 100,000 for the generator and the server: the bench raises it with prlimit, which above the hard limit needs CAP_SYS_RESOURCE."
  section syscalls "System calls per echo (perf stat on the server's pid over the measured window)" \
    "A separate run: perf's tracepoints slow the servers, so these cells' throughput is not comparable with the rr table's."
  echo "## Notes"
  echo
  hand notes "(written by hand; kept when this file is regenerated)"
} >"$tmp"
mv "$tmp" "$out"
echo "bench-results: wrote $out$( [ $failed = 1 ] && echo ' (a run failed: see its exit in the file)')" >&2
exit $failed
