"""test_operators.py - NDArray operators (+ - * / % ** @, reflected and
in-place forms, unary minus, abs, comparisons) and mx.nd's element-wise
functions with MXNet's scalar rules, against NumPy."""
import operator

import numpy as np
import pytest

import mxc as mx

A = np.array([[1.5, -2.0, 3.0], [4.0, 5.5, -6.0]], dtype=np.float32)
B = np.array([[2.0], [-1.5]], dtype=np.float32)  # broadcasts against A

BINARY = [(operator.add, "add"), (operator.sub, "subtract"), (operator.mul, "multiply"),
          (operator.truediv, "divide"), (operator.mod, "modulo"), (operator.pow, "power")]


def _np_mod(x, y):
    return np.fmod(x, y) + (np.fmod(x, y) != 0) * (np.sign(x) != np.sign(y)) * y


def _ref(fn, x, y):
    if fn is operator.mod:
        return _np_mod(np.asarray(x, np.float32), np.asarray(y, np.float32))
    if fn is operator.pow:
        return np.power(np.abs(x) if np.ndim(x) else x, y)
    return fn(x, y)


@pytest.mark.parametrize("fn,name", BINARY, ids=[n for _, n in BINARY])
def test_binary_operators_broadcast_and_scalars(fn, name):
    x = np.abs(A) if fn is operator.pow else A
    a, b = mx.nd.array(x), mx.nd.array(B)
    np.testing.assert_allclose(fn(a, b).asnumpy(), _ref(fn, x, B), rtol=1e-5)
    np.testing.assert_allclose(fn(a, 2).asnumpy(), _ref(fn, x, np.float32(2)), rtol=1e-5)
    np.testing.assert_allclose(fn(a, 2.5).asnumpy(), _ref(fn, x, np.float32(2.5)), rtol=1e-5)
    np.testing.assert_allclose(fn(3, a).asnumpy(), _ref(fn, np.float32(3), x), rtol=1e-5)
    np.testing.assert_allclose(fn(a, np.float32(2)).asnumpy(), _ref(fn, x, np.float32(2)),
                               rtol=1e-5)
    func = getattr(mx.nd, name)
    np.testing.assert_allclose(func(a, b).asnumpy(), _ref(fn, x, B), rtol=1e-5)
    np.testing.assert_allclose(func(3, a).asnumpy(), _ref(fn, np.float32(3), x), rtol=1e-5)
    assert func(6, 4) == fn(6, 4)


@pytest.mark.parametrize("fn,name", BINARY, ids=[n for _, n in BINARY])
def test_inplace_operators(fn, name):
    ifn = getattr(operator, "i" + fn.__name__)
    x = np.abs(A) if fn is operator.pow else A
    a = mx.nd.array(x)
    same = a
    a = ifn(a, mx.nd.array(B))
    assert a is same
    np.testing.assert_allclose(a.asnumpy(), _ref(fn, x, B), rtol=1e-5)
    a = ifn(a, 2)
    np.testing.assert_allclose(a.asnumpy(), _ref(fn, _ref(fn, x, B), np.float32(2)), rtol=1e-5)


def test_inplace_needs_the_output_shape():
    a = mx.nd.ones((2, 1))
    with pytest.raises(mx.MXNetError, match=r"\(2,3\)|\[2,3\]|\(2, 3\)"):
        a += mx.nd.ones((2, 3))
    ro = mx.nd.NDArray(mx.nd.ones(2), writable=False)
    with pytest.raises(ValueError, match="readonly"):
        ro += 1


def test_unary_and_matmul():
    a = mx.nd.array(A)
    np.testing.assert_array_equal((-a).asnumpy(), -A)
    np.testing.assert_array_equal(abs(a).asnumpy(), np.abs(A))
    np.testing.assert_array_equal((+a).asnumpy(), A)
    m = mx.nd.array(A.T)
    np.testing.assert_allclose((a @ m).asnumpy(), A @ A.T, rtol=1e-5)


@pytest.mark.parametrize("fn", [operator.eq, operator.ne, operator.gt, operator.ge, operator.lt,
                                operator.le], ids=lambda f: f.__name__)
def test_comparisons_return_zero_one(fn):
    a, b = mx.nd.array(A), mx.nd.array(B)
    want = fn(A, B).astype(np.float32)
    got = fn(a, b)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.asnumpy(), want)
    np.testing.assert_array_equal(fn(a, 3.0).asnumpy(), fn(A, 3.0).astype(np.float32))
    np.testing.assert_array_equal(fn(3.0, a).asnumpy(), fn(3.0, A).astype(np.float32))


def test_functions_with_scalars():
    a = mx.nd.array(A)
    np.testing.assert_array_equal(mx.nd.maximum(a, 0).asnumpy(), np.maximum(A, 0))
    np.testing.assert_array_equal(mx.nd.minimum(1, a).asnumpy(), np.minimum(1, A))
    np.testing.assert_array_equal(mx.nd.maximum(a, mx.nd.array(B)).asnumpy(), np.maximum(A, B))
    np.testing.assert_array_equal(mx.nd.equal(a, 3).asnumpy(), (A == 3).astype(np.float32))
    np.testing.assert_array_equal(mx.nd.greater(3, a).asnumpy(), (3 > A).astype(np.float32))
    assert mx.nd.maximum(2, 5) == 5 and mx.nd.lesser(1, 2) == 1


def test_integer_arrays_keep_their_dtype():
    a = mx.nd.array([1, 2, 3], dtype='int32')
    assert (a + 1).dtype == np.int32 and (a * a).dtype == np.int32
    np.testing.assert_array_equal((a * 2).asnumpy(), [2, 4, 6])


def test_operator_type_errors():
    a = mx.nd.ones(2)
    with pytest.raises(TypeError, match="not supported"):
        a + "x"
    with pytest.raises(TypeError, match="not supported"):
        a + np.ones(2)
    with pytest.raises(TypeError, match="not supported"):
        mx.nd.add("x", a)
    with pytest.raises(mx.MXNetError, match="broadcast_add.*\\[2\\].*\\[3\\]"):
        a + mx.nd.ones(3)


def test_broadcast_and_elemwise_functions():
    a, b = mx.nd.array(A), mx.nd.array(B)
    np.testing.assert_allclose(mx.nd.broadcast_add(a, b).asnumpy(), A + B)
    np.testing.assert_allclose(mx.nd.broadcast_mul(a, b).asnumpy(), A * B)
    np.testing.assert_allclose(mx.nd.broadcast_sub(a, b).asnumpy(), A - B)
    np.testing.assert_allclose(mx.nd.broadcast_div(a, b).asnumpy(), A / B, rtol=1e-6)
    np.testing.assert_allclose(mx.nd.elemwise_add(a, a).asnumpy(), A + A)
    np.testing.assert_allclose(mx.nd.elemwise_sub(a, a).asnumpy(), A - A)
    np.testing.assert_allclose(mx.nd.elemwise_mul(a, a).asnumpy(), A * A)
    np.testing.assert_allclose(mx.nd.elemwise_div(a, a).asnumpy(), A / A)
    with pytest.raises(mx.MXNetError, match="elemwise_add"):
        mx.nd.elemwise_add(a, b)
