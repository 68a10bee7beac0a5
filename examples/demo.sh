#!/usr/bin/env bash
# demo.sh - mxc end to end (scripts/demo.sh installs and builds first, then
# runs this): train an MLP on Fashion-MNIST with mx.mod.Module (MXNet 1.x's
# API), show the plot and the test accuracy, then run the checkpoint compiled
# by `mxc compile` from the deploy program (libmxrt only: no MLIR, no LLVM,
# no Python). A few minutes; MXC_DEMO_EPOCHS (default 3) sets the epochs
# (examples/fashion_mnist_mlp.py trains 10 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=build/demo
EPOCHS=${MXC_DEMO_EPOCHS:-3}
mkdir -p "$WORK"
export MXC_CACHE_DIR="$PWD/$WORK/cache"

echo "== Training an MLP (784-256-128-10) on Fashion-MNIST for $EPOCHS epochs"
echo "   .venv/bin/python examples/fashion_mnist_mlp.py --epochs $EPOCHS --out-dir $WORK"
.venv/bin/python examples/fashion_mnist_mlp.py --epochs "$EPOCHS" --out-dir "$WORK"

PARAMS=$(printf '%s/fashion_mnist_mlp-%04d.params' "$WORK" "$EPOCHS")
echo
echo "== The compiled model from the deploy program (libmxrt only)"
echo "   build/bin/deploy $WORK/fashion_mnist_mlp.so $PARAMS $WORK/deploy-input.npy --top 3"
build/bin/deploy "$WORK/fashion_mnist_mlp.so" "$PARAMS" "$WORK/deploy-input.npy" --top 3 | head -6
echo "   needs: $(readelf -d "$WORK/fashion_mnist_mlp.so" build/bin/deploy | grep NEEDED |
  sed 's/.*\[\(.*\)\]/\1/' | sort -u | tr '\n' ' ')"
