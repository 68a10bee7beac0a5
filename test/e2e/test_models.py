"""Whole models from test/data/models: compiled inference (mxc compile +
mxc-run with MXNet-format parameters) equals MXNet 1.9.1's forward on the
same random parameters and input, within float32 tolerance; and one
training step (mxc compile --train + mxc-run --backward) gives MXNet's
training outputs and the gradient of every parameter."""
import json
import os

import pytest

from conftest import DATA, assert_outputs_match, compile_and_run, have_mxnet, mxnet_reference

MODELS = [
    ("mlp", {"data": (2, 784)}),
    ("lenet", {"data": (2, 1, 28, 28)}),
    ("resnet18_v1", {"data": (1, 3, 224, 224)}),
    pytest.param("lstm", {"data": (2, 10), "softmax_label": (2, 10)}, marks=pytest.mark.xfail(
        reason="the runtime's _zeros shape function keeps MXNet's legacy 0 (unknown) extent as 0, "
               "so the LSTM's begin state is inferred as (0, 512)")),
]
# Larger graphs, in the `e2e-large` run only (MXC_E2E_LARGE=1).
LARGE = [
    ("resnet18_v2", {"data": (1, 3, 224, 224)}),
    ("vgg16", {"data": (1, 3, 224, 224)}),
    ("inception_bn", {"data": (1, 3, 224, 224)}),
    ("resnet50_v1", {"data": (1, 3, 224, 224)}),
]


def models():
    return MODELS + (LARGE if os.environ.get("MXC_E2E_LARGE") == "1" else [])


@pytest.mark.parametrize("name,shapes", models(),
                         ids=[m.values[0] if hasattr(m, "values") else m[0] for m in models()])
def test_model(name, shapes, cache_dir, tmp_path):
    if not have_mxnet():
        pytest.skip("MXNet 1.9.1 not available")
    ref = tmp_path / "ref"
    symbol = os.path.join(DATA, "models", name + "-symbol.json")
    shape_args = ["--shape=%s=%s" % (n, ",".join(map(str, s))) for n, s in shapes.items()]
    mxnet_reference(["model", "--symbol", symbol, "--out", str(ref)] + shape_args)
    os.symlink(symbol, ref / "symbol.json")
    got = compile_and_run(str(ref), shapes, str(tmp_path), inputs=list(shapes),
                          params=str(ref / "net.params"))
    # Deep nets accumulate rounding differences (im2col + BLAS vs oneDNN).
    assert_outputs_match(str(ref), got, rtol=1e-3, atol=1e-4)


# Training: the gradient of every parameter after one forward/backward.
TRAIN_MODELS = [
    ("mlp", {"data": (4, 784)}),
    ("lenet", {"data": (4, 1, 28, 28)}),
    ("resnet18_v1", {"data": (2, 3, 64, 64)}),
]


@pytest.mark.parametrize("name,shapes", TRAIN_MODELS, ids=[m[0] for m in TRAIN_MODELS])
def test_model_gradients(name, shapes, cache_dir, tmp_path):
    if not have_mxnet():
        pytest.skip("MXNet 1.9.1 not available")
    ref = tmp_path / "ref"
    symbol = os.path.join(DATA, "models", name + "-symbol.json")
    shape_args = ["--shape=%s=%s" % (n, ",".join(map(str, s))) for n, s in shapes.items()]
    mxnet_reference(["model", "--grads", "--symbol", symbol, "--out", str(ref)] + shape_args)
    os.symlink(symbol, ref / "symbol.json")
    # Inputs and labels take no gradient (as Module binds them).
    with open(symbol) as f:
        labels = [n["name"] for n in json.load(f)["nodes"]
                  if n["op"] == "null" and n["name"].endswith("label")]
    null = ",".join("%s:null" % n for n in list(shapes) + labels)
    got = compile_and_run(str(ref), shapes, str(tmp_path), inputs=list(shapes),
                          params=str(ref / "net.params"),
                          extra=["--train", "--grad-req=" + null], run_extra=["--backward"])
    assert any(n.endswith("_grad") for n in got), sorted(got)
    assert_outputs_match(str(ref), got, rtol=1e-3, atol=1e-4, scaled=True)
