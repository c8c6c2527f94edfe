#!/usr/bin/env bash
# bench_vmstate.sh BUILD_DIR [-m MIB] [-r RUNS] [-k]: vmstate analyze on a large synthetic stream,
# as a ratio to `cat STREAM > /dev/null` (the speed of reading the file), best of RUNS.
# Prints; never asserts a time. Exits non-zero only when something failed to run.
set -euo pipefail
build=${1:?usage: bench_vmstate.sh BUILD_DIR [-m MIB] [-r RUNS] [-k]}
shift
mib=2048 runs=5 keep=0
while (($#)); do
    case $1 in
        -m) mib=$2; shift 2 ;;
        -r) runs=$2; shift 2 ;;
        -k) keep=1; shift ;;
        *) echo "bench_vmstate.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
vmstate=$build/runtime/tools/vmstate
gen=$build/tests/bench/gen_stream
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vmstate-bench.XXXXXX")
((keep)) || trap 'rm -rf "$scratch"' EXIT
stream=$scratch/bench.mig
"$gen" -m "$mib" "$stream"
echo "stream    $(stat -c %s "$stream") bytes (${mib} MiB of RAM pages, 64 device sections, vmdesc)"
"$vmstate" verify "$stream" > /dev/null
now() { date +%s.%N; }
best() {  # best RUNS-time of a command line, in ms
    local b=
    for ((i = 0; i < runs; i++)); do
        local t0 t1 t
        t0=$(now); "$@" > /dev/null; t1=$(now)
        t=$(echo "($t1 - $t0) * 1000" | bc -l)
        if [[ -z $b ]] || (($(echo "$t < $b" | bc -l))); then b=$t; fi
    done
    printf '%.1f' "$b"
}
cat "$stream" > /dev/null   # warm the page cache for everyone
c=$(best cat "$stream")
v=$(best "$vmstate" analyze "$stream")
q=$(best "$vmstate" analyze --format qemu "$stream")
p=$(best sh -c "cat '$stream' | '$vmstate' analyze -")
p0=$(best sh -c "cat '$stream' | cat > /dev/null")
echo "cat       $c ms"
echo "analyze   $v ms  (--format vms)"
echo "analyze   $q ms  (--format qemu)"
echo "pipe      $p ms  (cat STREAM | vmstate analyze -; baseline cat STREAM | cat: $p0 ms)"
printf 'ratio %.2f (cat / analyze; target >= 0.5), qemu %.2f, pipe %.2f (to cat | cat)\n' \
    "$(echo "$c / $v" | bc -l)" "$(echo "$c / $q" | bc -l)" "$(echo "$p0 / $p" | bc -l)"
echo "peak RSS  $( { /usr/bin/time -f %M "$vmstate" analyze "$stream" > /dev/null; } 2>&1 ) KiB (analyze)"
