"""diff_runner.py - differential tests of the training API: one code snippet
runs under mxc (in the test's process) and under MXNet 1.9.1 (its own
interpreter, MXC_MXNET_PYTHON), and the tests compare what each stored.

The snippet sees `mx`, `np` and `tmp` (a scratch folder) and fills the dict
`out` with NumPy arrays, numbers, strings or lists of those. Arrays travel
back from MXNet as an .npz file (exact values), the rest as JSON.

Run as a script (under MXNet): python diff_runner.py < {"code", "tmp", "npz"}
"""
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MXNET_PYTHON = os.environ.get("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python")


def _split(out):
    arrays = {k: np.asarray(v) for k, v in out.items() if isinstance(v, np.ndarray)}
    rest = {k: v for k, v in out.items() if not isinstance(v, np.ndarray)}
    return arrays, rest


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    return value


def run_here(code, mx, tmp):
    """The snippet under mxc: its `out` dict."""
    env = {"mx": mx, "np": np, "tmp": str(tmp), "out": {}}
    exec(code, env)  # noqa: S102  pylint: disable=exec-used
    return {k: (v if isinstance(v, np.ndarray) else _plain(v)) for k, v in env["out"].items()}


def run_mxnet(code, tmp, timeout=600):
    """The snippet under MXNet 1.9.1: its `out` dict."""
    npz = os.path.join(str(tmp), "mxnet-out.npz")
    proc = subprocess.run([MXNET_PYTHON, os.path.join(HERE, "diff_runner.py")],
                          input=json.dumps({"code": code, "tmp": str(tmp), "npz": npz}),
                          capture_output=True, text=True, timeout=timeout, cwd=str(tmp))
    if proc.returncode != 0:
        raise RuntimeError("the snippet failed under MXNet 1.9.1:\n%s" % proc.stderr[-4000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    with np.load(npz) as f:
        out.update({k: f[k] for k in f.files})
    return out


def assert_same(ours, theirs, rtol=0, atol=0):
    """Both sides stored the same keys and values (arrays within rtol/atol,
    exactly by default)."""
    assert sorted(ours) == sorted(theirs), "keys differ: %s" % (set(ours) ^ set(theirs))
    for k in sorted(ours):
        a, b = ours[k], theirs[k]
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) or isinstance(a, float):
            np.testing.assert_allclose(np.asarray(a, dtype=np.float64),
                                       np.asarray(b, dtype=np.float64), rtol=rtol, atol=atol,
                                       err_msg=k)
        else:
            assert a == b, "%s: %r here, %r in MXNet" % (k, a, b)


def _main():
    payload = json.load(sys.stdin)
    import mxnet as mx  # pylint: disable=import-outside-toplevel,import-error
    env = {"mx": mx, "np": np, "tmp": payload["tmp"], "out": {}}
    exec(payload["code"], env)  # noqa: S102  pylint: disable=exec-used
    arrays, rest = _split(env["out"])
    np.savez(payload["npz"], **arrays)
    sys.stdout.write("\n" + json.dumps({k: _plain(v) for k, v in rest.items()}) + "\n")


if __name__ == "__main__":
    _main()
