"""test_ndarray.py - NDArray creation, properties, conversions, shape
methods and printing, against NumPy and MXNet 1.x's documented results."""
import numpy as np
import pytest

import mxc as mx


def test_creation_functions():
    np.testing.assert_array_equal(mx.nd.zeros((2, 3)).asnumpy(), np.zeros((2, 3), np.float32))
    np.testing.assert_array_equal(mx.nd.ones(4).asnumpy(), np.ones(4, np.float32))
    np.testing.assert_array_equal(mx.nd.full((2, 2), 7.5).asnumpy(), np.full((2, 2), 7.5))
    np.testing.assert_array_equal(mx.nd.arange(5).asnumpy(), np.arange(5, dtype=np.float32))
    np.testing.assert_array_equal(mx.nd.arange(1, 7, 2, repeat=2).asnumpy(),
                                  [1, 1, 3, 3, 5, 5])
    np.testing.assert_allclose(mx.nd.linspace(2.0, 3.0, 5).asnumpy(),
                               np.linspace(2.0, 3.0, 5, dtype=np.float32))
    np.testing.assert_allclose(mx.nd.linspace(2.0, 3.0, 5, endpoint=False).asnumpy(),
                               [2.0, 2.2, 2.4, 2.6, 2.8], rtol=1e-6)
    np.testing.assert_array_equal(mx.nd.eye(3).asnumpy(), np.eye(3))
    np.testing.assert_array_equal(mx.nd.eye(2, 3, 1).asnumpy(), np.eye(2, 3, 1))
    x = mx.nd.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(mx.nd.zeros_like(x).asnumpy(), np.zeros((2, 2)))
    np.testing.assert_array_equal(mx.nd.ones_like(x).asnumpy(), np.ones((2, 2)))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "uint8", "int8", "int32",
                                   "int64"])
def test_dtype_everywhere(dtype):
    for arr in (mx.nd.zeros((2,), dtype=dtype), mx.nd.ones((2,), dtype=dtype),
                mx.nd.full((2,), 3, dtype=dtype), mx.nd.empty((2,), dtype=dtype),
                mx.nd.arange(2, dtype=dtype), mx.nd.eye(2, dtype=dtype),
                mx.nd.array([1, 2], dtype=dtype), mx.nd.array([1, 2]).astype(dtype)):
        assert arr.dtype == np.dtype(dtype)
        assert arr.asnumpy().dtype == np.dtype(dtype)


def test_ctx_everywhere():
    for arr in (mx.nd.zeros((2,), ctx=mx.cpu()), mx.nd.ones((2,), mx.cpu(0)),
                mx.nd.full((2,), 1, ctx=mx.cpu()), mx.nd.array([1], ctx=mx.cpu()),
                mx.nd.arange(2, ctx=mx.cpu()), mx.nd.eye(2, ctx=mx.cpu()),
                mx.nd.empty((1,), mx.cpu())):
        assert arr.context == mx.cpu(0) and arr.ctx == mx.cpu(0)
    with mx.Context(mx.cpu(0)):
        assert mx.current_context() == mx.cpu(0)


def test_array_sources():
    src = np.arange(6, dtype=np.int64).reshape(2, 3)
    a = mx.nd.array(src)  # MXNet 1.x: float32 unless dtype is given
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a.asnumpy(), src)
    b = mx.nd.array(a, dtype='int32')
    assert b.dtype == np.int32 and b.shape == (2, 3)
    assert mx.nd.array(b).dtype == np.int32  # an NDArray keeps its dtype
    c = mx.nd.array([[1.5, 2], [3, 4]])
    np.testing.assert_array_equal(c.asnumpy(), [[1.5, 2], [3, 4]])
    s = mx.nd.array(5)
    assert s.shape == () and s.asnumpy() == 5
    with pytest.raises(TypeError):
        mx.nd.array([[1, 2], [3]])


def test_properties():
    a = mx.nd.ones((2, 3, 4), dtype='float64')
    assert a.shape == (2, 3, 4) and a.size == 24 and a.ndim == 3
    assert a.dtype is np.float64 and a.stype == 'default'
    assert len(a) == 2
    assert a.T.shape == (4, 3, 2)
    assert mx.nd.ones(3).T.shape == (3,)


def test_copies():
    a = mx.nd.array([1, 2, 3])
    b = a.copy()
    b += 1
    np.testing.assert_array_equal(a.asnumpy(), [1, 2, 3])
    c = mx.nd.zeros(3)
    assert a.copyto(c) is c
    np.testing.assert_array_equal(c.asnumpy(), [1, 2, 3])
    d = a.copyto(mx.cpu())
    assert d.context == mx.cpu() and d is not a
    assert a.as_in_context(mx.cpu()) is a
    with pytest.warns(RuntimeWarning):
        assert a.copyto(a) is False
    with pytest.raises(TypeError):
        a.copyto("cpu")
    e = a.astype('int32')
    assert e.dtype == np.int32 and a.astype('float32', copy=False) is a
    with pytest.raises(mx.MXNetError, match=r"\(3,\).*\(2,\)|\(2,\).*\(3,\)"):
        a.copyto(mx.nd.zeros(2)).wait_to_read()


def test_asscalar_and_bool():
    assert mx.nd.array([3.5]).asscalar() == np.float32(3.5)
    with pytest.raises(ValueError):
        mx.nd.array([1, 2]).asscalar()
    assert bool(mx.nd.array([1])) and not bool(mx.nd.array([0]))
    assert not bool(mx.nd.empty((0,))) and not bool(mx.nd.ones(3)[1:1])
    with pytest.raises(ValueError, match="ambiguous"):
        bool(mx.nd.ones(2))


def test_reshape_views_share_memory():
    x = mx.nd.arange(6).reshape((2, 3))
    y = x.reshape(-3)
    assert y.shape == (6,)
    y[:] = -1
    np.testing.assert_array_equal(x.asnumpy(), -np.ones((2, 3)))
    z = mx.nd.zeros((2, 3, 4))
    assert z.reshape(4, 0, 2).shape == (4, 3, 2)
    assert z.reshape(-1, 0, reverse=True).shape == (6, 4)
    assert z.reshape((-2,)).shape == (2, 3, 4)
    assert z.reshape(shape=(6, -1)).shape == (6, 4)
    assert z.reshape(-4, 1, 2, -2).shape == (1, 2, 3, 4)
    with pytest.raises(mx.MXNetError):
        z.reshape(5, 5)
    with pytest.raises(TypeError, match="unknown keywords"):
        z.reshape((2, 12), bogus=1)


def test_shape_methods():
    x = mx.nd.arange(6).reshape((1, 2, 3))
    assert x.expand_dims(0).shape == (1, 1, 2, 3)
    assert x.expand_dims(-1, inplace=True).shape == (1, 2, 3, 1)
    assert x.flatten().shape == (1, 6)
    assert x.squeeze().shape == (2, 3)
    assert x.squeeze(axis=0, inplace=True).shape == (2, 3)
    np.testing.assert_array_equal(x.transpose((2, 1, 0)).asnumpy(),
                                  x.asnumpy().transpose((2, 1, 0)))
    np.testing.assert_array_equal(x.transpose(0, 2, 1).asnumpy(),
                                  x.asnumpy().transpose(0, 2, 1))
    np.testing.assert_array_equal(x.swapaxes(1, 2).asnumpy(), x.asnumpy().swapaxes(1, 2))
    y = mx.nd.array([[1], [2]])
    np.testing.assert_array_equal(y.broadcast_to((2, 3)).asnumpy(), [[1, 1, 1], [2, 2, 2]])
    np.testing.assert_array_equal(y.broadcast_like(mx.nd.zeros((2, 2))).asnumpy(),
                                  [[1, 1], [2, 2]])
    with pytest.raises(ValueError, match="broadcast"):
        y.broadcast_to((3, 3))
    np.testing.assert_array_equal(mx.nd.reshape_like(mx.nd.arange(6), x).asnumpy(),
                                  x.asnumpy())
    z = mx.nd.arange(12).reshape((3, 4))
    np.testing.assert_array_equal(z.slice(begin=(1, 0), end=(3, 2)).asnumpy(),
                                  z.asnumpy()[1:3, 0:2])
    np.testing.assert_array_equal(z.slice_axis(axis=1, begin=1, end=-1).asnumpy(),
                                  z.asnumpy()[:, 1:-1])
    np.testing.assert_array_equal(z.take(mx.nd.array([2, 0])).asnumpy(), z.asnumpy()[[2, 0]])
    np.testing.assert_array_equal(z.tile((2, 1)).asnumpy(), np.tile(z.asnumpy(), (2, 1)))
    np.testing.assert_array_equal(z.repeat(repeats=2, axis=0).asnumpy(),
                                  np.repeat(z.asnumpy(), 2, axis=0))
    img = mx.nd.ones((1, 1, 2, 2))
    padded = img.pad(mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 1, 1), constant_value=0)
    np.testing.assert_array_equal(padded.asnumpy(),
                                  np.pad(img.asnumpy(), ((0, 0), (0, 0), (1, 1), (1, 1))))


def test_repr_as_mxnet():
    assert repr(mx.nd.ones((2, 3))) == "\n[[1. 1. 1.]\n [1. 1. 1.]]\n<NDArray 2x3 @cpu(0)>"
    assert str(mx.nd.array([1, 2], dtype='int32')) == "\n[1 2]\n<NDArray 2 @cpu(0)>"
    assert repr(mx.nd.array(5)) == "\n5.0\n<NDArray  @cpu(0)>"


def test_wait_and_waitall():
    a = mx.nd.ones((100, 100))
    b = mx.nd.dot(a, a)
    b.wait_to_read()
    b.wait_to_write()
    mx.nd.waitall()
    assert b.asnumpy()[0, 0] == 100


def test_attach_grad_not_supported():
    a = mx.nd.ones(2)
    with pytest.raises(mx.MXNetError, match="not supported"):
        a.attach_grad()
    assert a.grad is None


def test_mxnet_error_is_runtime_and_value_error():
    assert issubclass(mx.MXNetError, RuntimeError) and issubclass(mx.MXNetError, ValueError)
    assert mx.base.MXNetError is mx.MXNetError
