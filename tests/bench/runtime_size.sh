#!/usr/bin/env bash
# runtime_size.sh [CC]: the .text size of libvmstate's core at -Os (issue 10, "Runtime size"):
# the engine, streams, the file: and fd: transports and error/wire helpers, each compiled on its
# own as in a static link that uses only them. Prints one line per object and the total.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cc=${1:-gcc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
core=(error stream uri transport_file transport_fd wire engine engine_save engine_load)
optional=(atomic ratelimit json_writer registry savevm live)
size_of() {
  local f=$1
  "$cc" -Os -std=c11 -D_POSIX_C_SOURCE=200809L -I"$repo/runtime/include" -I"$repo/runtime/src" \
    -c "$repo/runtime/src/$f.c" -o "$out/$f.o"
  size "$out/$f.o" | awk 'NR == 2 { print $1 }'
}
total=0
echo "core (engine + stream + file:/fd: transports), $cc -Os, x86-64:"
for f in "${core[@]}"; do
  t=$(size_of "$f"); total=$((total + t)); printf '  %-16s %6d bytes\n' "$f.c" "$t"
done
awk -v t="$total" 'BEGIN { printf "  %-16s %6d bytes (%.1f KiB; goal <= 24 KiB)\n", "total", t, t / 1024 }'
echo "optional parts (atomic loads, rate limit, vmdesc JSON, whole machines, live devices):"
for f in "${optional[@]}"; do
  printf '  %-16s %6d bytes\n' "$f.c" "$(size_of "$f")"
done
