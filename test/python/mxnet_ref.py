"""mxnet_ref.py - runs a snippet in MXNet 1.9.1's own interpreter (MXC_MXNET_PYTHON,
default /opt/mxnet-venv/bin/python) for the kvstore and optimizer tests.

``run(code, params=None, **arrays)``: the snippet sees ``mx``, ``np``, the
arrays as ``inputs`` (a dict of NumPy arrays), ``params`` (anything JSON can
carry) and fills ``outputs`` (a dict of NumPy arrays) and ``result``
(JSON again); both come back. Arrays
travel as .npz files, so values are exact. ``available()`` says whether
MXNet can be run at all (tests skip with that reason otherwise).
"""
import json
import os
import subprocess
import tempfile

import numpy as np

MXNET_PYTHON = os.environ.get("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python")

_DRIVER = r'''
import json, sys
import numpy as np
import mxnet as mx
inputs = dict(np.load(sys.argv[1]))
params = json.load(open(sys.argv[4]))
outputs, result = {}, None
exec(open(sys.argv[3]).read())
np.savez(sys.argv[2], **outputs)
print(json.dumps(result))
'''

_available = None


def available():
    """True when MXNet 1.9.1 imports in MXC_MXNET_PYTHON."""
    global _available  # pylint: disable=global-statement
    if _available is None:
        _available = os.path.exists(MXNET_PYTHON) and subprocess.run(
            [MXNET_PYTHON, "-c", "import mxnet"], capture_output=True, cwd="/").returncode == 0
    return _available


SKIP_REASON = "MXNet 1.9.1 is not available at %s (set MXC_MXNET_PYTHON)" % MXNET_PYTHON


def run(code, params=None, env=None, **arrays):
    """(outputs, result) of code run in MXNet's interpreter."""
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, n) for n in ("in.npz", "out.npz", "code.py", "params.json")]
        np.savez(paths[0], **arrays)
        with open(paths[2], "w") as f:
            f.write(code)
        with open(paths[3], "w") as f:
            json.dump(params, f)
        proc = subprocess.run([MXNET_PYTHON, "-c", _DRIVER] + paths, capture_output=True,
                              text=True, cwd="/", timeout=600,
                              env=dict(os.environ, **(env or {})))
        if proc.returncode != 0:
            raise RuntimeError("MXNet snippet failed:\n" + proc.stderr[-4000:])
        with np.load(paths[1]) as f:
            outputs = {k: f[k] for k in f.files}
        return outputs, json.loads(proc.stdout.strip().splitlines()[-1])
