#!/usr/bin/env bash
# build.sh - configure and build everything in build/ (-j2), then install the
# Python package into .venv in development mode.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
[[ -f build/CMakeCache.txt ]] || cmake --preset default
cmake --build --preset default
