#!/usr/bin/env bash
# demo.sh - install what is missing, build, and run the demo end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec examples/demo.sh
