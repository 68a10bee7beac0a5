#!/usr/bin/env bash
# install-deps.sh - what a fresh Debian bookworm machine (as root) lacks:
# Debian packages, the development virtual environment (.venv) and the
# MXNet 1.9.1 reference environment (/opt/mxnet-venv) used by cross-checks.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache git pkg-config
  clang-19 libclang-rt-19-dev lld-19
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libgtest-dev libgmock-dev libbenchmark-dev
  libopenblas-dev libdnnl-dev
  libopenmpi-dev openmpi-bin
  python3 python3-venv python3-dev
  graphviz dataset-fashion-mnist
  binutils
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -r requirements-dev.txt

# MXNet 1.9.1 needs numpy<1.24: it lives in its own environment, outside the
# clone so that every clone and CI run reuses it. graphviz: mx.viz's
# reference renderings (test_viz).
MXNET_VENV=${MXC_MXNET_VENV:-/opt/mxnet-venv}
if [[ ! -x "$MXNET_VENV/bin/python" ]] || ! "$MXNET_VENV/bin/python" -c "import mxnet, graphviz" 2>/dev/null; then
  echo "== creating the MXNet 1.9.1 reference environment in $MXNET_VENV"
  if { [[ -x "$MXNET_VENV/bin/python" ]] || "$PYTHON" -m venv "$MXNET_VENV"; } &&
    "$MXNET_VENV/bin/python" -m pip install -q "mxnet==1.9.1" "numpy<1.24" graphviz; then
    :
  else
    echo "warning: MXNet 1.9.1 could not be installed; cross-checks will be skipped" >&2
  fi
fi
