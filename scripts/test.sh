#!/usr/bin/env bash
# test.sh - install what is missing, build, and run every test suite:
# ctest (GoogleTest, lit, pytest, layering, cross-checks with MXNet 1.9.1),
# the runtime under ASan+UBSan and TSan, and the NDArray loader fuzzer for a
# bounded time. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
start=$SECONDS
stage() { echo; echo "== [$((SECONDS - start))s] $*"; }

stage "dependencies"
scripts/install-deps.sh

stage "build (default preset)"
scripts/build.sh

stage "tests"
ctest --preset default

stage "runtime under ASan+UBSan, and the NDArray loader fuzzer for 60 s"
[[ -f build-asan/CMakeCache.txt ]] || cmake --preset asan >/dev/null
cmake --build --preset asan --target mxrt_tests ndarray_load_fuzzer
ASAN_OPTIONS=detect_leaks=1 MXC_ENGINE_STRESS_OPS=20000 ctest --preset asan -L "runtime|fuzz"

stage "engine under TSan"
[[ -f build-tsan/CMakeCache.txt ]] || cmake --preset tsan >/dev/null
cmake --build --preset tsan --target mxrt_tests
MXC_ENGINE_STRESS_OPS=10000 ctest --preset tsan -L runtime

stage "all tests passed"
