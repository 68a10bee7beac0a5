"""The embedded runtime: `deploy` (libmxrt only) runs a module compiled by
`mxc compile` with MXNet-format parameters and prints MXNet's top class;
neither the program nor the module needs an MLIR or LLVM library."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import DATA, HERE, have_mxnet, mxnet_reference, run, tool

LAYERING = os.path.join(HERE, "..", "layering", "check_layering.py")


@pytest.fixture(scope="module")
def mlp_module(tmp_path_factory, cache_dir):
    work = tmp_path_factory.mktemp("deploy")
    so = str(work / "mlp.so")
    run([tool("mxc"), "compile", os.path.join(DATA, "models", "mlp-symbol.json"),
         "--shape", "data=4,784", "-o", so])
    return work, so


def test_needs_no_mlir_or_llvm(mlp_module):
    _, so = mlp_module
    for binary in (tool("deploy"), so, tool("mxc-run")):
        run([sys.executable, LAYERING, "--source", os.path.join(HERE, "..", "..", "examples", "deploy"),
             "--library", binary])
    needed = subprocess.run(["readelf", "-d", so], capture_output=True, text=True).stdout
    assert "libmxrt" in needed


def test_prints_mxnets_top_class(mlp_module):
    if not have_mxnet():
        pytest.skip("MXNet 1.9.1 not available")
    work, so = mlp_module
    ref = work / "ref"
    mxnet_reference(["model", "--symbol", os.path.join(DATA, "models", "mlp-symbol.json"),
                     "--shape=data=4,784", "--out", str(ref)])
    out = run([tool("deploy"), so, str(ref / "net.params"), str(ref / "data.npy"),
               "--top", "3"]).stdout
    probs = np.load(ref / "softmax_output.npy")
    tops = [int(m.group(1)) for m in re.finditer(r"top 3 of 10 classes: (\d+)", out)]
    assert tops == list(np.argmax(probs, axis=1)), out


def test_synthetic_input_and_errors(mlp_module):
    _, so = mlp_module
    r = subprocess.run([tool("deploy"), so], capture_output=True, text=True)
    assert r.returncode == 1
    assert "argument 'fc1_weight' has no value" in r.stderr
