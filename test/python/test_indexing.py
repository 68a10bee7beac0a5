"""test_indexing.py - NDArray indexing and assignment (MXNet 1.9's rules):
results against NumPy, views against copies, MXNet's reference for the
cases where it differs from NumPy, and the errors."""
import numpy as np
import pytest

import mxc as mx

BASIC_KEYS = [
    0, -1, 1, slice(None), slice(1, None), slice(None, -1), slice(None, None, 2),
    slice(None, None, -1), slice(3, 0, -2), (0, 1), (1, slice(None)), (slice(None), 1),
    (slice(None), slice(1, 3)), (Ellipsis, 1), (0, Ellipsis), (None,), (slice(None), None, 2),
    (None, 1, None, slice(None, None, -1)), (-1, -1, -1), (slice(0, 0),), (slice(10, 20),),
    (1, slice(None, None, 2), Ellipsis),
]


@pytest.mark.parametrize("key", BASIC_KEYS, ids=[repr(k) for k in BASIC_KEYS])
def test_basic_getitem_matches_numpy(key):
    x = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    got = mx.nd.array(x)[key].asnumpy()
    want = x[key]
    if want.ndim == 0:
        want = want.reshape(1)  # MXNet 1.x: a fully indexed element has shape (1,)
    np.testing.assert_array_equal(got, want)


ADVANCED_KEYS = [
    [0, 1], [[1, 0], [0, 1]], ([0, 1], [2, 0]), (slice(None), [2, 0]),
    (1, [0, 2], slice(None)), ([0, 1], slice(None), [3, 1]), (slice(None), [1], [2, 3]),
    (np.array([1, 0]),), (range(0, 2),), ([1, 0], Ellipsis, [0, 3]), (Ellipsis, [0, 0]),
]


@pytest.mark.parametrize("key", ADVANCED_KEYS, ids=[repr(k) for k in ADVANCED_KEYS])
def test_advanced_getitem_matches_numpy(key):
    x = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(mx.nd.array(x)[key].asnumpy(), x[key])


def test_advanced_getitem_with_ndarray_index():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    idx = mx.nd.array([2, 0], dtype='int32')
    np.testing.assert_array_equal(mx.nd.array(x)[1:, idx].asnumpy(), x[1:, [2, 0]])
    np.testing.assert_array_equal(mx.nd.array(x)[mx.nd.array([1, 0])].asnumpy(), x[[1, 0]])


def test_contiguous_selection_is_a_view():
    x = mx.nd.arange(0, 8).reshape((2, 2, 2))
    y = x[0]  # contiguous
    y[:] = -1
    np.testing.assert_array_equal(x.asnumpy()[0], -np.ones((2, 2)))
    x = mx.nd.arange(0, 8).reshape((2, 2, 2))
    y = x[1, :1, :]  # contiguous
    y[:] = -1
    np.testing.assert_array_equal(x.asnumpy()[1], [[-1, -1], [6, 7]])
    x = mx.nd.arange(0, 8).reshape((2, 2, 2))
    y = x[:, :, 1]  # not contiguous: a copy
    y[:] = -1
    np.testing.assert_array_equal(x.asnumpy(), np.arange(8).reshape(2, 2, 2))
    x = mx.nd.arange(0, 8).reshape((2, 2, 2))
    y = x[[0, 1]]  # advanced: always a copy
    y[:] = -1
    np.testing.assert_array_equal(x.asnumpy(), np.arange(8).reshape(2, 2, 2))


def test_setitem_examples_of_mxnet_docs():
    x = mx.nd.zeros((2, 3))
    x[:] = 1
    x[:, 1:2] = 2
    np.testing.assert_array_equal(x.asnumpy(), [[1, 2, 1], [1, 2, 1]])
    x[1:2, 1:] = 3
    np.testing.assert_array_equal(x.asnumpy(), [[1, 2, 1], [1, 3, 3]])
    x[1:, 0:2] = mx.nd.zeros((1, 2))
    np.testing.assert_array_equal(x.asnumpy(), [[1, 2, 1], [0, 0, 3]])
    x[1, 2] = 4
    np.testing.assert_array_equal(x.asnumpy(), [[1, 2, 1], [0, 0, 4]])
    x[[0], [1, 2]] = 5
    np.testing.assert_array_equal(x.asnumpy(), [[1, 5, 5], [0, 0, 4]])
    x[::-1, 0:2:2] = [6]
    np.testing.assert_array_equal(x.asnumpy(), [[6, 5, 5], [6, 0, 4]])


@pytest.mark.parametrize("key", BASIC_KEYS[:-3] + ADVANCED_KEYS[:7],
                         ids=[repr(k) for k in BASIC_KEYS[:-3] + ADVANCED_KEYS[:7]])
def test_setitem_matches_numpy(key):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    shape = x[key].shape
    # A row broadcast along the last axis (NumPy 2 refuses a 1-element row
    # for a single element).
    row = (np.arange(shape[-1]),) if shape else ()
    for value in (7.0, np.full(shape, -3, np.float32)) + row:
        want = x.copy()
        want[key] = value
        got = mx.nd.array(x)
        got[key] = value
        np.testing.assert_array_equal(got.asnumpy(), want)
        got = mx.nd.array(x)
        got[key] = mx.nd.array(value)
        np.testing.assert_array_equal(got.asnumpy(), want)


def test_setitem_whole_array_forms():
    b = mx.nd.ones((2, 3))
    b[:] = 2
    np.testing.assert_array_equal(b.asnumpy(), np.full((2, 3), 2))
    b[:] = np.arange(3)
    np.testing.assert_array_equal(b.asnumpy(), [[0, 1, 2], [0, 1, 2]])
    b[:] = mx.nd.array([[5], [6]])
    np.testing.assert_array_equal(b.asnumpy(), [[5, 5, 5], [6, 6, 6]])
    b[:] = [[1, 2, 3], [4, 5, 6]]
    np.testing.assert_array_equal(b.asnumpy(), [[1, 2, 3], [4, 5, 6]])
    b[:] = np.float64(9)
    np.testing.assert_array_equal(b.asnumpy(), np.full((2, 3), 9))
    c = mx.nd.zeros((3, 3))
    c[0] = mx.nd.ones((1, 1, 3))  # leading axes of size 1 are dropped
    np.testing.assert_array_equal(c.asnumpy()[0], [1, 1, 1])


def test_index_errors():
    x = mx.nd.zeros((2, 3))
    with pytest.raises(IndexError, match="out of bounds"):
        x[2]
    with pytest.raises(IndexError, match="out of bounds"):
        x[0, 3]
    with pytest.raises(IndexError, match="out of bounds"):
        x[0, -4] = 1
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="ellipsis"):
        x[..., 0, ...]
    with pytest.raises(ValueError, match="step cannot be zero"):
        x[::0]
    with pytest.raises(ValueError, match="does not support slicing"):
        x["a"]
    with pytest.raises(IndexError, match="boolean"):
        x[np.array([True, False])]
    with pytest.raises(mx.MXNetError):
        x[[0, 5]].asnumpy()
    with pytest.raises(ValueError, match="readonly"):
        ro = mx.nd.NDArray(x, writable=False)
        ro[:] = 1


MXNET_KEYS = BASIC_KEYS + ADVANCED_KEYS + [
    ([0, 1], None), (None, [1, 0], slice(None), None), (slice(None), None, [0, 2]),
    ([1, 0], slice(None), None, [3, 1]), (0, [1, 2], None)]


def test_getitem_matches_mxnet(mxnet, tmp_path):
    """Every key above, against MXNet 1.9.1 itself, including the cases
    where MXNet differs from NumPy (a None after an advanced index lands
    before the advanced block)."""
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.savez(tmp_path / "in.npz", x=x)
    keys = [repr(k).replace("array(", "np.array(") for k in MXNET_KEYS]
    res = mxnet.run("index", {"in": str(tmp_path / "in.npz"), "out": str(tmp_path / "out.npz"),
                              "keys": keys})
    assert not res["errors"], res["errors"]
    with np.load(tmp_path / "out.npz") as ref:
        for i, key in enumerate(MXNET_KEYS):
            got = mx.nd.array(x)[key].asnumpy()
            want = ref["k%d" % i]
            assert got.shape == want.shape, (key, got.shape, want.shape)
            np.testing.assert_array_equal(got, want, err_msg=repr(key))
