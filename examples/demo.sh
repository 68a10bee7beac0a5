#!/usr/bin/env bash
# demo.sh - mxc end to end (scripts/demo.sh installs and builds first, then
# runs this):
#  1. train an MLP on Fashion-MNIST with mx.mod.Module (MXNet 1.x's API),
#     show the plot and the test accuracy, and run the checkpoint compiled by
#     `mxc compile` from the deploy program (libmxrt only: no MLIR, no LLVM,
#     no Python). MXC_DEMO_EPOCHS (default 10) sets the epochs
#     (examples/fashion_mnist_mlp.py trains 10 by default);
#  2. compile ResNet-18's symbol JSON for this CPU and run it from deploy
#     with parameters in MXNet's file format, next to MXNet 1.9.1's answer.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin
WORK=build/demo
EPOCHS=${MXC_DEMO_EPOCHS:-10}
MXNET_PYTHON=${MXC_MXNET_PYTHON:-/opt/mxnet-venv/bin/python}
mkdir -p "$WORK"
export MXC_CACHE_DIR="$PWD/$WORK/cache"

echo "== Training an MLP (784-256-128-10) on Fashion-MNIST for $EPOCHS epochs"
echo "   .venv/bin/python examples/fashion_mnist_mlp.py --epochs $EPOCHS --out-dir $WORK"
.venv/bin/python examples/fashion_mnist_mlp.py --epochs "$EPOCHS" --out-dir "$WORK"

PARAMS=$(printf '%s/fashion_mnist_mlp-%04d.params' "$WORK" "$EPOCHS")
echo
echo "== The compiled model from the deploy program (libmxrt only)"
echo "   build/bin/deploy $WORK/fashion_mnist_mlp.so $PARAMS $WORK/deploy-input.npy --top 3"
"$BIN/deploy" "$WORK/fashion_mnist_mlp.so" "$PARAMS" "$WORK/deploy-input.npy" --top 3 | head -6
echo "   needs: $(readelf -d "$WORK/fashion_mnist_mlp.so" "$BIN/deploy" | grep NEEDED |
  sed 's/.*\[\(.*\)\]/\1/' | sort -u | tr '\n' ' ')"

echo

echo "== mxc compile: ResNet-18 for data (1,3,224,224) on this CPU"
/usr/bin/time -f "   compiled in %e s" \
  "$BIN/mxc" compile test/data/models/resnet18_v1-symbol.json --shape data=1,3,224,224 \
  -o "$WORK/resnet18.so"
/usr/bin/time -f "   again from the compile cache in %e s" \
  "$BIN/mxc" compile test/data/models/resnet18_v1-symbol.json --shape data=1,3,224,224 \
  -o "$WORK/resnet18.so"
"$BIN/mxc" info "$WORK/resnet18.so" | sed -n '1,2p;/^arena/p;/^forward_infer/p'
echo "   needs: $(readelf -d "$WORK/resnet18.so" | grep NEEDED | sed 's/.*\[\(.*\)\]/\1/' | tr '\n' ' ')"

if [[ -x "$MXNET_PYTHON" ]]; then
  echo
  echo "== parameters and an input in MXNet's formats (random, from MXNet 1.9.1)"
  "$MXNET_PYTHON" test/e2e/mxnet_reference.py model --symbol test/data/models/resnet18_v1-symbol.json \
    --shape data=1,3,224,224 --out "$WORK/ref" >/dev/null
  echo
  echo "== deploy (libmxrt only): top 5 classes"
  "$BIN/deploy" "$WORK/resnet18.so" "$WORK/ref/net.params" "$WORK/ref/data.npy" --top 5
  echo
  echo "== MXNet 1.9.1 on the same parameters and input"
  "$MXNET_PYTHON" -c "
import numpy as np
s = np.load('$WORK/ref/resnetv10_dense0_fwd_output.npy')[0]
top = np.argsort(-s)[:5]
print('sample 0: top 5 of %d classes:' % s.size, ' '.join('%d (%.4g)' % (i, s[i]) for i in top))"
else
  echo
  echo "== deploy (libmxrt only) on a synthetic input, without parameters: an error naming the first"
  "$BIN/deploy" "$WORK/resnet18.so" || true
fi
