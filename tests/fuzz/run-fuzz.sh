#!/usr/bin/env bash
# run-fuzz.sh BUILD_DIR [SECONDS]: runs every libFuzzer target of BUILD_DIR (configured with
# -DVMS_BUILD_FUZZ=ON, see CMakeLists.txt here) for SECONDS in all (default 60), split evenly.
#
# Each target first replays its seeds and the saved regression inputs
# (tests/regression/issue_<n>/<target>-*) once, then fuzzes from a working corpus kept in
# BUILD_DIR/fuzz-corpus/<target> (so later runs go on where earlier ones stopped).
# A crash, leak, timeout or out-of-memory stops the run with exit 1 and leaves the input in
# BUILD_DIR/fuzz-artifacts/; copy it into tests/regression/issue_<n>/ with the fix.
set -uo pipefail

[[ $# -ge 1 ]] || { sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
total=${2:-60}
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)

declare -A seeds=(
  [fuzz_load_all]="$repo/tests/data/golden"
  [fuzz_load_live]="$repo/tests/fuzz/seeds/live"
  [fuzz_annot]="$repo/tests/fuzz/seeds/annot"
  [fuzz_analyze]="$repo/tests/data/golden $repo/tests/data/qemu-7.2 $repo/tests/data/newer $repo/tests/fuzz/seeds/analyze"
  [fuzz_diff]="$repo/tests/fuzz/seeds/diff"
  [fuzz_load_realdev]="$repo/tests/fuzz/seeds/realdev"
  [fuzz_return_path]="$repo/tests/fuzz/seeds/return_path"
)
targets=()
for t in "${!seeds[@]}"; do
  [[ -x $build/tests/fuzz/$t ]] && targets+=("$t")
done
((${#targets[@]})) || { echo "run-fuzz: no fuzz targets in $build/tests/fuzz" >&2; exit 2; }
IFS=$'\n' targets=($(sort <<<"${targets[*]}")); unset IFS
each=$((total / ${#targets[@]}))
((each > 0)) || each=1

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
status=0
for t in "${targets[@]}"; do
  corpus=$build/fuzz-corpus/$t
  mkdir -p "$corpus"
  read -r -a replay <<<"${seeds[$t]}"
  for f in "$repo"/tests/regression/issue_*/"$t"-*; do
    [[ -f $f ]] && replay+=("$f")
  done
  echo "=== run-fuzz: $t: replaying ${replay[*]}"
  if ! "$build/tests/fuzz/$t" -runs=0 -artifact_prefix="$artifacts/$t-" "${replay[@]}" \
       >"$build/fuzz-$t.replay.log" 2>&1; then
    tail -n 30 "$build/fuzz-$t.replay.log" >&2
    echo "run-fuzz: $t failed on a seed or regression input" >&2
    status=1
    continue
  fi
  echo "=== run-fuzz: $t: fuzzing for ${each}s"
  if ! "$build/tests/fuzz/$t" -max_total_time="$each" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "$corpus" "${replay[@]}" \
       >"$build/fuzz-$t.log" 2>&1; then
    tail -n 40 "$build/fuzz-$t.log" >&2
    echo "run-fuzz: $t found a problem; the input is in $artifacts" >&2
    status=1
    continue
  fi
  grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$build/fuzz-$t.log" |
    sed "s/^/  $t /"
done
exit $status
