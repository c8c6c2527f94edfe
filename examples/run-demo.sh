#!/usr/bin/env bash
# examples/run-demo.sh: the main job. Installs missing Debian packages, builds
# the project in build/, then runs the UART example: it saves two devices to a
# migration stream file, resets them, loads the file back and checks the state.
#
# Usage: examples/run-demo.sh [PATH]   (stream file; default build/uart-demo.mig)
# Environment: VMS_BUILD_DIR overrides the build dir (default build).
set -euo pipefail

repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"

build=${VMS_BUILD_DIR:-build}
stream=${1:-$build/uart-demo.mig}

.ci/install-deps

echo "=== run-demo: configuring and building in $build ==="
gen=()
[[ -f $build/CMakeCache.txt ]] || gen=(-G Ninja)
cmake -S . -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Only what the demo needs: the main job does not wait for (or fail on) the tests.
cmake --build "$build" --target uart-demo

echo
echo "=== run-demo: $build/examples/uart/uart-demo $stream ==="
exec "$build/examples/uart/uart-demo" "$stream"
