#!/bin/sh
# Rebuilds the parent-death helper that ChildProcess.Builder.dieWithParent() spawns through
# (socket/src/main/c/pdeathsig.c) into the socket module's resources. x86-64 only; needs gcc.
set -eu
cd "$(dirname "$0")/.."
out=socket/src/main/resources/io/jsock/socket/process/jsock-pdeathsig
mkdir -p "$(dirname "$out")"
gcc -Os -static -nostdlib -fno-asynchronous-unwind-tables -fno-stack-protector -fno-pie -no-pie \
    -Wl,--build-id=none -Wl,-n -Wl,-z,noexecstack -s -o "$out" socket/src/main/c/pdeathsig.c
echo "$out: $(wc -c < "$out") bytes"
