#!/usr/bin/env bash
# tests/run-all.sh: the one test command. Installs missing Debian packages,
# then builds and runs every test three times: with the default compiler (gcc,
# warnings as errors, valgrind on a subset), and under AddressSanitizer and
# UndefinedBehaviorSanitizer with clang and with gcc; then builds the
# libFuzzer targets and fuzzes for a minute. Exits non-zero if anything fails.
#
# Environment:
#   VMS_BUILD_DIR       build dir of the first pass (default build-ci)
#   VMS_ASAN_BUILD_DIR  build dir of the sanitizer pass (default <VMS_BUILD_DIR>-asan)
#   VMS_SKIP_ASAN=1     skip the sanitizer and fuzz passes (quick local runs; CI never sets it)
#   VMS_GCC_ASAN_BUILD_DIR  build dir of the gcc sanitizer pass (default <VMS_BUILD_DIR>-gcc-asan)
#   VMS_FUZZ_BUILD_DIR  build dir of the fuzz smoke pass (default <VMS_BUILD_DIR>-fuzz)
#   VMS_FUZZ_SECONDS    how long the fuzz smoke pass fuzzes, all targets together (default 60)
set -uo pipefail

repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo" || exit 2

build=${VMS_BUILD_DIR:-build-ci}
asan_build=${VMS_ASAN_BUILD_DIR:-${build}-asan}
fuzz_build=${VMS_FUZZ_BUILD_DIR:-${build}-fuzz}
gasan_build=${VMS_GCC_ASAN_BUILD_DIR:-${build}-gcc-asan}

.ci/install-deps || { echo "run-all: installing dependencies failed" >&2; exit 1; }

summary=()
total_passed=0
total_failed=0
status=0

# configure DIR [cmake args...]: -G Ninja only on a fresh dir, so a dir
# configured earlier with another generator is reused, not refused.
configure() {
    local dir=$1
    shift
    local gen=()
    [[ -f $dir/CMakeCache.txt ]] || gen=(-G Ninja)
    cmake -S . -B "$dir" "${gen[@]}" -DVMS_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
}

# run_pass LABEL DIR [cmake args...]: configure, build, ctest; records a summary line.
run_pass() {
    local label=$1 dir=$2
    shift 2
    echo "=== run-all: $label ($dir) ==="
    if ! configure "$dir" "$@"; then
        summary+=("$label: configure FAILED")
        status=1
        total_failed=$((total_failed + 1))
        return
    fi
    if ! cmake --build "$dir"; then
        summary+=("$label: build FAILED")
        status=1
        total_failed=$((total_failed + 1))
        return
    fi
    local log="$dir/run-all-ctest.log" rc
    (cd "$dir" && ctest --output-on-failure --no-tests=error -j2) 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    # ctest's closing line: "100% tests passed, 0 tests failed out of 27"
    local line passed=0 failed=0 ran=0
    line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
    if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
        failed=${BASH_REMATCH[1]}
        ran=${BASH_REMATCH[2]}
        passed=$((ran - failed))
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    if ((rc != 0)); then
        summary+=("$label: tests FAILED ($passed passed, $failed failed, ctest exit $rc)")
        status=1
        ((failed > 0)) || total_failed=$((total_failed + 1))
    else
        summary+=("$label: ok ($passed tests passed)")
    fi
}

# The gcc pass also compiles the benchmarks (tests/bench; not run here) so that they keep building.
run_pass "gcc" "$build" -DVMS_BUILD_BENCH=ON

if [[ ${VMS_SKIP_ASAN:-0} == 1 ]]; then
    summary+=("clang ASan+UBSan: skipped (VMS_SKIP_ASAN=1)")
else
    san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    # sanitizer_pass LABEL DIR COMPILER: the whole suite under ASan+UBSan.
    sanitizer_pass() {
        local link="-fsanitize=address,undefined"
        run_pass "$1" "$2" -DCMAKE_C_COMPILER="$3" -DCMAKE_C_FLAGS="$san" \
            -DCMAKE_EXE_LINKER_FLAGS="$link" -DCMAKE_SHARED_LINKER_FLAGS="$link" \
            -DCMAKE_MODULE_LINKER_FLAGS="$link"
    }
    sanitizer_pass "clang ASan+UBSan" "$asan_build" clang
    # The same with gcc: each compiler instruments differently and finds other things.
    sanitizer_pass "gcc ASan+UBSan" "$gasan_build" gcc

    # Fuzz smoke: libFuzzer targets (tests/fuzz) built with coverage and sanitizers, their
    # seeds and regression inputs replayed, then fuzzed for VMS_FUZZ_SECONDS in all.
    echo "=== run-all: fuzz smoke ($fuzz_build) ==="
    if configure "$fuzz_build" -DCMAKE_C_COMPILER=clang -DVMS_BUILD_FUZZ=ON \
            -DVMS_BUILD_TESTS=OFF -DVMS_BUILD_EXAMPLES=OFF \
            -DCMAKE_C_FLAGS="$san -fsanitize=fuzzer-no-link" \
            -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" &&
        cmake --build "$fuzz_build" &&
        tests/fuzz/run-fuzz.sh "$fuzz_build" "${VMS_FUZZ_SECONDS:-60}"; then
        summary+=("fuzz smoke: ok (${VMS_FUZZ_SECONDS:-60} s, no crash, leak or timeout)")
    else
        summary+=("fuzz smoke: FAILED (see the log above and $fuzz_build/fuzz-artifacts)")
        status=1
        total_failed=$((total_failed + 1))
    fi
fi

echo
echo "=== run-all summary ==="
for line in "${summary[@]}"; do
    echo "  $line"
done
# One plain line for readers of the log: a failed configure or build counts as one failure.
echo "run-all: $total_passed passed, $total_failed failed"
if ((status != 0)); then
    echo "run-all: FAILED" >&2
    exit 1
fi
echo "run-all: all passes green"
