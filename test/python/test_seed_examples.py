"""test_seed_examples.py - every NDArray example of the MXNet overview
(shared/spec/mxnet-python-overview.txt), as written there, in Python 3,
after `import mxc as mx`. The outputs shown in the overview are checked.

GPU examples run where a GPU exists; without one, creating an array on a GPU
must fail with a clear MXNetError (checked), and the rest of the example is
skipped with a reason.
"""
import pickle as pkl

import numpy as np
import pytest

import mxc as mx
from conftest import requires_gpu, no_gpu


def test_create_on_cpu():
    a = mx.nd.empty((2, 3))  # create a 2-by-3 matrix on cpu
    assert a.shape == (2, 3) and a.context == mx.cpu()


@no_gpu
def test_create_on_gpu_fails_clearly_without_gpu():
    with pytest.raises(mx.MXNetError, match=r"gpu\(0\)"):
        mx.nd.empty((2, 3), mx.gpu())  # create a 2-by-3 matrix on gpu 0
    with pytest.raises(mx.MXNetError, match=r"gpu\(2\)"):
        mx.nd.empty((2, 3), mx.gpu(2))  # create a 2-by-3 matrix on gpu 2


@requires_gpu
def test_create_on_gpu():
    b = mx.nd.empty((2, 3), mx.gpu())  # create a 2-by-3 matrix on gpu 0
    assert b.context == mx.gpu(0)
    if mx.context.num_gpus() < 3:
        pytest.skip("gpu(2) needs 3 GPUs, this machine has %d" % mx.context.num_gpus())
    c = mx.nd.empty((2, 3), mx.gpu(2))  # create a 2-by-3 matrix on gpu 2
    assert c.shape == (2, 3)  # get shape
    assert str(c.context) == "gpu(2)"  # get device info


def test_initialize():
    a = mx.nd.zeros((2, 3))  # create a 2-by-3 matrix filled with 0
    b = mx.nd.ones((2, 3))  # create a 2-by-3 matrix filled with 1
    b[:] = 2  # set all elements of b to 2
    np.testing.assert_array_equal(a.asnumpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(b.asnumpy(), np.full((2, 3), 2))


@no_gpu
def test_copy_to_gpu_fails_clearly_without_gpu():
    a = mx.nd.ones((2, 3))
    with pytest.raises(mx.MXNetError, match=r"gpu\(0\)"):
        mx.nd.zeros((2, 3), mx.gpu())
    with pytest.raises(mx.MXNetError, match=r"gpu\(0\)"):
        a.copyto(mx.gpu())


@requires_gpu
def test_copy_between_devices():
    a = mx.nd.ones((2, 3))
    b = mx.nd.zeros((2, 3), mx.gpu())
    a.copyto(b)  # copy data from cpu to gpu
    np.testing.assert_array_equal(b.asnumpy(), np.ones((2, 3)))


def test_to_numpy(capsys):
    a = mx.nd.ones((2, 3))
    b = a.asnumpy()
    assert type(b) is np.ndarray  # pylint: disable=unidiomatic-typecheck
    print(b)
    assert capsys.readouterr().out == "[[1. 1. 1.]\n [1. 1. 1.]]\n"


def test_from_numpy():
    a = mx.nd.empty((2, 3))
    src = np.random.uniform(-0.1, 0.1, a.shape)
    a[:] = src
    print(a.asnumpy())
    np.testing.assert_array_equal(a.asnumpy(), src.astype(np.float32))


def test_elementwise(capsys):
    a = mx.nd.ones((2, 3)) * 2
    b = mx.nd.ones((2, 3)) * 4
    print(b.asnumpy())
    c = a + b
    print(c.asnumpy())
    d = a * b
    print(d.asnumpy())
    assert capsys.readouterr().out == ("[[4. 4. 4.]\n [4. 4. 4.]]\n[[6. 6. 6.]\n [6. 6. 6.]]\n"
                                       "[[8. 8. 8.]\n [8. 8. 8.]]\n")


@requires_gpu
def test_elementwise_on_gpu(capsys):
    a = mx.nd.ones((2, 3)) * 2
    b = mx.nd.ones((2, 3), mx.gpu()) * 3
    c = a.copyto(mx.gpu()) * b
    print(c.asnumpy())
    assert capsys.readouterr().out == "[[6. 6. 6.]\n [6. 6. 6.]]\n"


def test_pickle(capsys):
    a = mx.nd.ones((2, 3)) * 2
    data = pkl.dumps(a)
    b = pkl.loads(data)
    print(b.asnumpy())
    assert capsys.readouterr().out == "[[2. 2. 2.]\n [2. 2. 2.]]\n"


def test_save_load_list_and_dict(tmp_cwd, capsys):
    a = mx.nd.ones((2, 3)) * 2
    b = mx.nd.ones((2, 3)) * 3
    mx.nd.save('mydata.bin', [a, b])
    c = mx.nd.load('mydata.bin')
    print(c[0].asnumpy())
    print(c[1].asnumpy())
    mx.nd.save('mydata.bin', {'a': a, 'b': b})
    c = mx.nd.load('mydata.bin')
    print(c['a'].asnumpy())
    print(c['b'].asnumpy())
    two, three = "[[2. 2. 2.]\n [2. 2. 2.]]\n", "[[3. 3. 3.]\n [3. 3. 3.]]\n"
    assert capsys.readouterr().out == two + three + two + three


def test_save_to_hdfs_says_what_is_missing():
    """The overview's HDFS example; no HDFS can be installed here, so the
    save must fail with an MXNetError naming what is missing (S3: test_s3.py)."""
    a = mx.nd.ones((2, 3)) * 2
    b = mx.nd.ones((2, 3)) * 3
    with pytest.raises(mx.MXNetError, match=r"hdfs.*(pyarrow|libhdfs|HADOOP|Java)"):
        mx.nd.save('hdfs///users/myname/mydata.bin', [a, b])


def test_automatic_parallelization():
    a = mx.nd.ones((2, 3))
    b = a
    c = a.copyto(mx.cpu())
    a += 1
    b *= 3
    c *= 3
    # a and b are one array: (1 + 1) * 3; c is a copy of the ones: 1 * 3.
    np.testing.assert_array_equal(a.asnumpy(), np.full((2, 3), 6))
    np.testing.assert_array_equal(b.asnumpy(), np.full((2, 3), 6))
    np.testing.assert_array_equal(c.asnumpy(), np.full((2, 3), 3))
