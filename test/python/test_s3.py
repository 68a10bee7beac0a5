"""test_s3.py - mx.nd.save/load on s3:// against a real local S3-compatible
server: moto's server mode, started here on a free port (skipped when moto,
fsspec or s3fs is missing). Credentials and endpoint come from the standard
AWS variables, as for any S3 user."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

import mxc as mx

pytest.importorskip("moto", reason="moto[server] is not installed (requirements-dev.txt)")
pytest.importorskip("s3fs", reason="s3fs is not installed (pip install 'mxc[s3]')")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("the moto server did not start on port %d" % port)
            time.sleep(0.2)
    saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
                                            "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="testing",
                      AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    import fsspec
    fsspec.filesystem("s3", skip_instance_cache=True).mkdir("mybucket")
    yield url
    proc.terminate()
    proc.wait(10)
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def test_overview_example_on_s3(s3_server):
    a = mx.nd.ones((2, 3)) * 2
    b = mx.nd.ones((2, 3)) * 3
    mx.nd.save('s3://mybucket/mydata.bin', [a, b])
    c = mx.nd.load('s3://mybucket/mydata.bin')
    np.testing.assert_array_equal(c[0].asnumpy(), np.full((2, 3), 2))
    np.testing.assert_array_equal(c[1].asnumpy(), np.full((2, 3), 3))
    mx.nd.save('s3://mybucket/dir/named.bin', {'a': a, 'b': b})
    d = mx.nd.load('s3://mybucket/dir/named.bin')
    assert list(d) == ['a', 'b']
    np.testing.assert_array_equal(d['b'].asnumpy(), np.full((2, 3), 3))


def test_s3_bytes_are_the_file_format(s3_server, tmp_path):
    import fsspec
    a = mx.nd.arange(10, dtype='int64')
    mx.nd.save('s3://mybucket/x.bin', {'x': a})
    local = str(tmp_path / "x.bin")
    mx.nd.save(local, {'x': a})
    with fsspec.open('s3://mybucket/x.bin', 'rb') as f, open(local, 'rb') as g:
        assert f.read() == g.read()


def test_s3_errors(s3_server):
    with pytest.raises(mx.MXNetError, match="s3://mybucket/missing.bin"):
        mx.nd.load('s3://mybucket/missing.bin')
    with pytest.raises(mx.MXNetError, match="s3://no-such-bucket/x.bin"):
        mx.nd.save('s3://no-such-bucket/x.bin', [mx.nd.ones(1)])
