#!/usr/bin/env bash
# runtime_size.sh [CC]: the size of libvmstate's core at -Os (issue 10, "Runtime size"): the
# engine, streams, the file: and fd: transports and error/wire helpers, each compiled on its own
# as in a static link that uses only them. Prints, per object, its .text (machine code: the
# issue's measure), its read-only data (strings, tables) and its unwind tables (.eh_frame), and
# the three together (about what size(1) calls "text"). Then the optional parts, and what
# the core's objects call that lives outside the core (what a static link would pull in too).
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cc=${1:-gcc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
core=(error stream uri transport_file transport_fd wire engine engine_save engine_load)
optional=(validate error_format fd_services atomic ratelimit json_writer registry savevm live
          return_path socket transport_exec transport_unix transport_tcp)

compile() {
  "$cc" -Os -std=c11 -D_POSIX_C_SOURCE=200809L -I"$repo/runtime/include" \
    -I"$repo/runtime/src" -c "$repo/runtime/src/$1.c" -o "$out/$1.o"
}

# "text rodata eh_frame all" of an object, in bytes.
sections() {
  size -A "$out/$1.o" | awk '
    $1 ~ /^\.text/ { t += $2 }
    $1 ~ /^\.rodata/ || $1 ~ /^\.data\.rel\.ro/ { r += $2 }
    $1 == ".eh_frame" { e += $2 }
    END { printf "%d %d %d %d\n", t, r, e, t + r + e }'
}

line() {
  printf '  %-16s %6d %8d %9d %8d\n' "$@"
}

for f in "${core[@]}" "${optional[@]}"; do
  [[ -f $repo/runtime/src/$f.c ]] && compile "$f"
done

tt=0 tr=0 te=0 ta=0
echo "core (engine + stream + file:/fd: transports + error/wire helpers), $cc -Os, x86-64, bytes:"
echo "  object            .text   rodata  eh_frame      all"
for f in "${core[@]}"; do
  read -r t r e a < <(sections "$f")
  tt=$((tt + t)) tr=$((tr + r)) te=$((te + e)) ta=$((ta + a))
  line "$f.c" "$t" "$r" "$e" "$a"
done
line total "$tt" "$tr" "$te" "$ta"
awk -v t="$tt" -v a="$ta" 'BEGIN {
  printf "  .text %.1f KiB (goal <= 24 KiB: %s); with read-only data and unwind tables %.1f KiB\n",
         t / 1024, t <= 24 * 1024 ? "met" : "NOT met", a / 1024 }'

echo "optional parts, bytes (.text, all):"
for f in "${optional[@]}"; do
  [[ -f $out/$f.o ]] || continue
  read -r t r e a < <(sections "$f")
  printf '  %-16s %6d %8d\n' "$f.c" "$t" "$a"
done

# What the core calls outside itself, followed transitively: each optional object that defines
# a vms_/vmsp_ symbol the objects so far need, with those symbols. A static link of the core
# carries these objects too, so their .text is added up as well.
echo "outside the core, called from it (a static link pulls these objects in):"
defined() { nm --defined-only "$@" | awk '$2 ~ /^[TDRB]$/ { print $3 }' | sort -u; }
set_objs=()
for f in "${core[@]}"; do set_objs+=("$out/$f.o"); done
pulled=() closure=$tt
while :; do
  defined "${set_objs[@]}" > "$out/def"
  nm -u "${set_objs[@]}" | awk '$2 ~ /^vmsp?_/ { print $2 }' | sort -u |
    comm -23 - "$out/def" > "$out/need"
  added=0
  for f in "${optional[@]}"; do
    o=$out/$f.o
    [[ -f $o ]] || continue
    [[ " ${pulled[*]} " == *" $f "* ]] && continue
    syms=$(defined "$o" | comm -12 - "$out/need" | tr '\n' ' ')
    [[ -n $syms ]] || continue
    read -r t r e a < <(sections "$f")
    printf '  %-16s %6d  for %s\n' "$f.c" "$t" "$syms"
    pulled+=("$f") set_objs+=("$o") closure=$((closure + t)) added=1
  done
  ((added)) || break
done
((${#pulled[@]})) || echo "  nothing"
awk -v t="$closure" 'BEGIN { printf "  .text of the core with them: %.1f KiB\n", t / 1024 }'
