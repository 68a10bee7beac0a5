"""test_interop.py - sharing memory with NumPy (and any DLPack library):
from_numpy, from_dlpack, to_dlpack_for_read/write, __dlpack__, __array__."""
import gc

import numpy as np
import pytest

import mxc as mx


def test_numpy_reads_an_ndarray_without_copy():
    a = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    view = np.from_dlpack(a)
    np.testing.assert_array_equal(view, [[1, 2, 3], [4, 5, 6]])
    a[:] = 7  # the same memory, once the write has run
    a.wait_to_read()
    np.testing.assert_array_equal(view, np.full((2, 3), 7))
    assert a.__dlpack_device__() == (1, 0)


def test_ndarray_from_numpy_without_copy():
    src = np.arange(6, dtype=np.float32).reshape(2, 3)
    a = mx.nd.from_dlpack(src)
    assert a.shape == (2, 3) and a.dtype == np.float32
    a += 1  # writes the NumPy array's memory
    a.wait_to_read()
    np.testing.assert_array_equal(src, np.arange(6).reshape(2, 3) + 1)


def test_from_numpy_zero_copy_makes_source_read_only():
    src = np.arange(4, dtype=np.int64)
    a = mx.nd.from_numpy(src)
    assert not src.flags['WRITEABLE']
    assert a.dtype == np.int64
    b = a * 2
    np.testing.assert_array_equal(b.asnumpy(), [0, 2, 4, 6])
    c = mx.nd.from_numpy(np.ones((2, 2)), zero_copy=False)
    assert c.dtype == np.float64
    with pytest.raises(ValueError, match="c-contiguous"):
        mx.nd.from_numpy(np.ones((4, 4))[:, ::2])


def test_memory_outlives_the_source_object():
    src = np.arange(1000, dtype=np.float64)
    a = mx.nd.from_dlpack(src)
    del src
    gc.collect()
    assert a.sum().asscalar() == sum(range(1000))
    view = np.from_dlpack(a)
    del a
    gc.collect()
    assert view[999] == 999


def test_capsules_for_read_and_write():
    a = mx.nd.ones((2, 2))
    b = a * 3
    cap = b.to_dlpack_for_read()
    c = mx.nd.from_dlpack(cap)
    np.testing.assert_array_equal(c.asnumpy(), np.full((2, 2), 3))
    with pytest.raises(mx.MXNetError, match="consumed once|unused"):
        mx.nd.from_dlpack(cap)
    w = mx.nd.to_dlpack_for_write(a)
    d = mx.nd.from_dlpack(w)
    d[:] = 5  # d is another array on a's memory: wait for d's writes
    d.wait_to_read()
    np.testing.assert_array_equal(a.asnumpy(), np.full((2, 2), 5))
    unused = mx.nd.to_dlpack_for_read(a)
    del unused  # an unconsumed capsule frees its reference
    gc.collect()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "uint8", "int8", "int32",
                                   "int64", "bool"])
def test_dtypes_both_ways(dtype):
    src = (np.arange(6) % 2).astype(dtype)
    a = mx.nd.from_dlpack(src)
    assert a.dtype == np.dtype(dtype)
    back = np.from_dlpack(a)
    assert back.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(back, src)


def test_non_compact_tensors_are_refused():
    with pytest.raises((mx.MXNetError, BufferError), match="compact|contiguous|strides"):
        mx.nd.from_dlpack(np.ones((4, 4))[:, ::2])


def test_array_protocol_and_numpy_scalars():
    a = mx.nd.array([1.5, 2.5])
    np.testing.assert_array_equal(np.asarray(a), [1.5, 2.5])
    assert np.asarray(a, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal((a * np.float64(2)).asnumpy(), [3, 5])
    np.testing.assert_array_equal((np.int32(2) + a).asnumpy(), [3.5, 4.5])
    assert float(mx.nd.array([3])) == 3.0 and int(mx.nd.array([3])) == 3
