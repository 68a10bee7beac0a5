#!/usr/bin/env bash
# build.sh - configure and build everything in build/ (-j2), then install the
# Python package into .venv in development mode.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
[[ -f build/CMakeCache.txt ]] || cmake --preset default
cmake --build --preset default
# The Python package, editable, into .venv: scikit-build-core reuses build/
# (pyproject.toml's build-dir), where everything was just built, so this
# only links .venv to python/mxc/ and copies the extension and libmxrt.
.venv/bin/python -m pip install -q --no-build-isolation --no-deps -e .
