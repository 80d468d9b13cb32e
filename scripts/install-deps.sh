#!/usr/bin/env bash
# Installs, when missing, the Debian packages the tests and benchmarks use. Idempotent; needs root.
set -euo pipefail
need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -e /usr/include/liburing.h ] || need+=(liburing-dev)   # the bench's C io_uring reference (c-uring)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v nc >/dev/null 2>&1 || need+=(netcat-openbsd)
command -v tcpserver >/dev/null 2>&1 || need+=(ucspi-tcp)
command -v xinetd >/dev/null 2>&1 || [ -x /usr/sbin/xinetd ] || need+=(xinetd)
command -v systemd-socket-activate >/dev/null 2>&1 || need+=(systemd)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing ${need[*]}; run as root or install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  echo "install-deps: installed ${need[*]}"
fi
