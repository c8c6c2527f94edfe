#!/usr/bin/env bash
# bench_vmsgen.sh: times vmsgen against a clang -fsyntax-only parse of the same generated header (issue 3).
#
# usage: bench_vmsgen.sh BUILD_DIR [-n STRUCTS] [-m FIELDS] [-r RUNS] [-f] [-k]
#   BUILD_DIR  a configured and built tree (vmsgen, and tests/bench/gen_header from
#              -DVMS_BUILD_BENCH=ON); nothing is built here
#   -n, -m     header size (default 1000 structs x 20 members)
#   -r         runs per command, the best one counts (default 5)
#   -f         fresh: delete vmsgen's outputs before each run (untimed), as a first build;
#              by default each run writes over the previous one's, as a rebuild does
#   -k         keep the scratch directory (header and generated files) and print its path
#
# The baseline is libclang's own floor: `clang-<ver> -fsyntax-only -x c -std=c11
# -D__VMSGEN__ -I<annotations> header.h`, with the clang that matches the libclang
# vmsgen links. Both commands run as whole processes, alternately, and the best
# wall time of each is kept. The ratio vmsgen/clang is printed against the target
# of issue 3 (<= 1.5); it is a measurement, not a test: the exit status is 0
# whatever the ratio, and non-zero only when something failed to run, including
# when the generated .c does not compile (gcc -Wall -Wextra -Werror), since then
# the timing would not be of real work.
set -euo pipefail

die() { echo "bench_vmsgen: $*" >&2; exit 1; }
usage() { sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[[ $# -ge 1 && $1 != -* ]] || usage
build=$(cd "$1" 2>/dev/null && pwd) || die "no build directory '$1'"
shift
structs=1000 fields=20 runs=5 keep=0 fresh=0
while getopts "n:m:r:fk" opt; do
  case $opt in
    f) fresh=1 ;;
    n) structs=$OPTARG ;;
    m) fields=$OPTARG ;;
    r) runs=$OPTARG ;;
    k) keep=1 ;;
    *) usage ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-r wants a positive count"
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash >= 5 (EPOCHREALTIME)"

cache=$build/CMakeCache.txt
[[ -f $cache ]] || die "$build is not a CMake build directory (no CMakeCache.txt)"
cache_get() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -n1; }

src=$(cache_get vmstate_SOURCE_DIR)
[[ -n $src ]] || src=$(cd "$(dirname "$0")/../.." && pwd)
annotations=$src/annotations
vmsgen=$build/generator/vmsgen
gen_header=$build/tests/bench/gen_header
[[ -x $vmsgen ]] || die "no $vmsgen: build the vmsgen target first"
[[ -x $gen_header ]] || die "no $gen_header: configure with -DVMS_BUILD_BENCH=ON and build gen_header"

# The libclang version vmsgen links: LibClang_VERSION if the cache has it, else
# the version find_package recorded, else the headers it was built against.
libclang_version=$(cache_get LibClang_VERSION)
if [[ -z $libclang_version ]]; then
  libclang_version=$(sed -n 's/^FIND_PACKAGE_MESSAGE_DETAILS_LibClang:INTERNAL=.*\[v\([0-9.]*\)(.*/\1/p' "$cache")
fi
if [[ -z $libclang_version ]]; then
  inc=$(cache_get LibClang_INCLUDE_DIR)
  [[ -n $inc && -f $inc/clang/Basic/Version.inc ]] &&
    libclang_version=$(sed -n 's/.*CLANG_VERSION_STRING *"\{0,1\}\([0-9.]*\).*/\1/p' "$inc/clang/Basic/Version.inc" | head -n1)
fi
[[ -n $libclang_version ]] || die "cannot tell which libclang $build uses"
major=${libclang_version%%.*}
if command -v "clang-$major" >/dev/null; then
  clang=clang-$major
elif command -v clang >/dev/null; then
  clang=clang
else
  die "neither clang-$major nor clang is installed"
fi
clang_version=$("$clang" --version | sed -n 's/.*clang version \([0-9.]*\).*/\1/p' | head -n1)
if [[ ${clang_version%%.*} != "$major" ]]; then
  echo "warning: vmsgen uses libclang $libclang_version but the baseline is $clang $clang_version;" \
       "install clang-$major (or configure with -DLIBCLANG_VERSIONS=${clang_version%%.*}) for a like-for-like ratio"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/vms-bench.XXXXXX")
if [[ $keep == 1 ]]; then
  trap 'echo "scratch kept in $scratch"' EXIT
else
  trap 'rm -rf "$scratch"' EXIT
fi
header=$scratch/bench.h
outdir=$scratch/out
mkdir "$outdir"
"$gen_header" -n "$structs" -m "$fields" -o "$header" || die "gen_header failed"

clang_cmd=("$clang" -fsyntax-only -x c -std=c11 -D__VMSGEN__ -I"$annotations" "$header")
vmsgen_cmd=("$vmsgen" generate -o "$outdir" "$header")

# Runs "$@" once with output to files in the scratch dir; sets $elapsed (microseconds).
# A failure stops the benchmark and shows what the command printed.
time_once() {
  local name=$1 t0 t1
  shift
  t0=${EPOCHREALTIME/[.,]/}
  if ! "$@" >"$scratch/$name.out" 2>"$scratch/$name.err"; then
    echo "bench_vmsgen: $name failed: $*" >&2
    head -n 20 "$scratch/$name.err" >&2
    exit 1
  fi
  t1=${EPOCHREALTIME/[.,]/}
  elapsed=$((t1 - t0))
}

best_clang='' best_vmsgen='' all_clang=() all_vmsgen=()
for ((i = 0; i < runs; i++)); do
  time_once clang "${clang_cmd[@]}"
  all_clang+=("$elapsed")
  [[ -z $best_clang || $elapsed -lt $best_clang ]] && best_clang=$elapsed
  [[ $fresh == 1 ]] && rm -f "$outdir"/*
  time_once vmsgen "${vmsgen_cmd[@]}"
  all_vmsgen+=("$elapsed")
  [[ -z $best_vmsgen || $elapsed -lt $best_vmsgen ]] && best_vmsgen=$elapsed
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The tables must be real: both files written, and the .c compiles clean.
base=$(basename "$header" .h)
for f in "$outdir/$base.vms.c" "$outdir/$base.vms.h" "$outdir/$base.vms.json"; do
  [[ -s $f ]] || die "vmsgen wrote no $f"
done
gcc -fsyntax-only -std=c11 -Wall -Wextra -Werror -I"$annotations" -I"$src/runtime/include" \
  -I"$scratch" -I"$outdir" "$outdir/$base.vms.c" 2>"$scratch/gcc.err" ||
  { head -n 20 "$scratch/gcc.err" >&2; die "the generated $base.vms.c does not compile"; }
if [[ -s $scratch/vmsgen.err ]]; then
  echo "note: vmsgen printed $(wc -l <"$scratch/vmsgen.err") line(s) on stderr, first ones:"
  head -n 3 "$scratch/vmsgen.err" | sed 's/^/  /'
fi

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
echo "header    $structs structs x $fields members: $(wc -l <"$header") lines, $(wc -c <"$header") bytes"
echo "output    $base.vms.c $(wc -c <"$outdir/$base.vms.c") bytes (compiles with gcc -Wall -Wextra -Werror), $base.vms.h $(wc -c <"$outdir/$base.vms.h") bytes, $base.vms.json $(wc -c <"$outdir/$base.vms.json") bytes"
echo "libclang  $libclang_version; baseline $clang ($clang_version)"
echo "clang     $(ms "$best_clang") ms  (best of $runs: $clang -fsyntax-only -x c -std=c11 -D__VMSGEN__ -I<annotations> $(basename "$header"))"
if [[ $fresh == 1 ]]; then where="into an empty OUT"; else where="over the previous run's files"; fi
echo "vmsgen    $(ms "$best_vmsgen") ms  (best of $runs: vmsgen generate -o OUT $(basename "$header"), $where)"
awk -v v="$(median "${all_vmsgen[@]}")" -v c="$(median "${all_clang[@]}")" \
  'BEGIN { printf "medians   clang %.1f ms, vmsgen %.1f ms: ratio %.2f (a check on noise)\n", c / 1000, v / 1000, v / c }'
awk -v v="$best_vmsgen" -v c="$best_clang" 'BEGIN { printf "ratio %.2f (target <= 1.5)\n", v / c }'
