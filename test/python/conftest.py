"""conftest.py - what every pytest file of mxc shares.

- The installed extension and libmxrt must be the build tree's (ctest sets
  MXC_BUILD_EXTENSION and MXC_BUILD_RUNTIME): a stale editable install is
  reported, not tested.
- `mxnet`: a runner for MXNet 1.9.1 (its own interpreter, MXC_MXNET_PYTHON,
  default /opt/mxnet-venv/bin/python); tests using it skip when it is missing.
- `gpu`: skips a test when no GPU is present.
"""
import glob
import json
import os
import subprocess
import sys

import pytest

import mxc as mx

HERE = os.path.dirname(os.path.abspath(__file__))
MXNET_PYTHON = os.environ.get("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python")


def pytest_sessionstart(session):
    """Stops when .venv's copies of the extension or of libmxrt differ from
    the build tree's (ctest sets MXC_BUILD_EXTENSION and MXC_BUILD_RUNTIME)."""
    package = os.path.dirname(mx._mxc.__file__)
    for var, installed in (("MXC_BUILD_EXTENSION", mx._mxc.__file__),
                           ("MXC_BUILD_RUNTIME", os.path.join(package, "libmxrt.so"))):
        built = glob.glob(os.environ.get(var, ""))
        # The install copies (stripped, with $ORIGIN RPATH): it must be newer.
        if built and os.path.exists(installed) and \
                os.path.getmtime(built[0]) > os.path.getmtime(installed):
            pytest.exit("the installed %s is not the one in the build tree (%s): run "
                        "scripts/build.sh (or pip install --no-build-isolation -e .)"
                        % (installed, built[0]), returncode=2)


def _has_mxnet():
    if not os.path.exists(MXNET_PYTHON):
        return False
    return subprocess.run([MXNET_PYTHON, "-c", "import mxnet"], capture_output=True,
                          cwd="/").returncode == 0


_MXNET_OK = None


class MXNet(object):
    """Runs test/python/mxnet_helper.py in MXNet 1.9.1's interpreter."""

    def run(self, command, payload, timeout=600):
        """JSON payload in, JSON result out."""
        proc = subprocess.run(
            [MXNET_PYTHON, os.path.join(HERE, "mxnet_helper.py"), command],
            input=json.dumps(payload), capture_output=True, text=True, timeout=timeout,
            cwd="/")
        if proc.returncode != 0:
            raise RuntimeError("mxnet_helper.py %s failed:\n%s" % (command, proc.stderr[-4000:]))
        return json.loads(proc.stdout)


@pytest.fixture(scope="session")
def mxnet():
    global _MXNET_OK  # pylint: disable=global-statement
    if _MXNET_OK is None:
        _MXNET_OK = _has_mxnet()
    if not _MXNET_OK:
        pytest.skip("MXNet 1.9.1 is not available at %s (set MXC_MXNET_PYTHON)" % MXNET_PYTHON)
    return MXNet()


requires_gpu = pytest.mark.skipif(mx.context.num_gpus() == 0,
                                  reason="no GPU on this machine (mx.context.num_gpus() == 0)")
no_gpu = pytest.mark.skipif(mx.context.num_gpus() > 0, reason="this machine has a GPU")


@pytest.fixture
def tmp_cwd(tmp_path, monkeypatch):
    """Runs the test in a fresh directory (examples write relative files)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


sys.path.insert(0, HERE)
