"""creation.py - mx.nd's hand-written functions: array creation (empty,
zeros, ones, full, array, arange, linspace, eye) and the element-wise
functions with MXNet's scalar rules (add, subtract, ..., maximum, equal),
as in MXNet 1.x's ndarray.py and utils.py.

Creation goes through the init ops of the op table (_zeros, _ones, _full,
_arange, _linspace, _eye) with `ctx` and `dtype` attributes, so it is as
asynchronous as any other op.
"""
import operator

import numpy as np

from .. import _mxc
from ..base import MXNetError, numeric_types, integer_types
from ..context import current_context
from . import _internal, op
from .ndarray import (NDArray, dtype_code, mx_real_t, ADD, SUB, MUL, DIV, MOD, POW, MAXIMUM,
                      MINIMUM, EQ, NE, GT, GE, LT, LE, HYPOT, LOGICAL_AND, LOGICAL_OR,
                      LOGICAL_XOR)

__all__ = ["empty", "zeros", "ones", "full", "array", "arange", "linspace", "eye",
           "concatenate", "moveaxis", "split_v2", "add", "subtract", "multiply", "divide",
           "true_divide", "modulo", "power", "maximum", "minimum", "equal", "not_equal",
           "greater", "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or",
           "logical_xor", "hypot"]


def _shape(shape):
    return (shape,) if isinstance(shape, integer_types) else tuple(shape)


def _ctx(ctx):
    return current_context() if ctx is None else ctx


def _dense(stype):
    if stype not in (None, 'default'):
        raise MXNetError("storage type '%s' is not supported (only 'default', dense)" % stype)


def empty(shape, ctx=None, dtype=None, stype=None):
    """A new array of uninitialized memory (float32 unless dtype is given)."""
    _dense(stype)
    ctx = _ctx(ctx)
    return _mxc.empty(_shape(shape), dtype_code(dtype), ctx.device_typeid, ctx.device_id)


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """A new array of zeros."""
    _dense(stype)
    return _internal._zeros(shape=_shape(shape), ctx=_ctx(ctx),
                            dtype=mx_real_t if dtype is None else dtype, **kwargs)


def ones(shape, ctx=None, dtype=None, **kwargs):
    """A new array of ones."""
    return _internal._ones(shape=_shape(shape), ctx=_ctx(ctx),
                           dtype=mx_real_t if dtype is None else dtype, **kwargs)


def full(shape, val, ctx=None, dtype=mx_real_t, out=None):
    """A new array (or `out`) filled with val."""
    if out is not None:
        out[:] = val
        return out
    return _internal._full(shape=_shape(shape), value=float(val), ctx=_ctx(ctx),
                           dtype=mx_real_t if dtype is None else dtype)


def array(source_array, ctx=None, dtype=None):
    """An array holding a copy of source_array: a list, a NumPy array, an
    NDArray or anything with __array__. dtype defaults to the source's dtype
    for an NDArray and to float32 otherwise (MXNet's rule)."""
    if isinstance(source_array, NDArray):
        dtype = source_array.dtype if dtype is None else dtype
    else:
        dtype = mx_real_t if dtype is None else dtype
        if not isinstance(source_array, np.ndarray):
            try:
                source_array = np.array(source_array, dtype=dtype)
            except Exception:  # pylint: disable=broad-except
                raise TypeError('source_array must be array like object') from None
    if isinstance(source_array, NDArray):
        res = empty(source_array.shape, ctx, dtype)
        source_array.copyto(res)
        return res
    res = empty(source_array.shape, ctx, dtype)
    if source_array.size:
        res._copy_from_host(np.ascontiguousarray(source_array, dtype=res.dtype))
    return res


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=mx_real_t):
    """Evenly spaced values in [start, stop) (stop None: [0, start)), each repeated."""
    return _internal._arange(start=start, stop=stop, step=step, repeat=repeat,
                             infer_range=False, dtype=dtype, ctx=str(_ctx(ctx)))


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=mx_real_t):
    """num evenly spaced values from start to stop (included if endpoint)."""
    return _internal._linspace(start=start, stop=stop, num=num, endpoint=endpoint,
                               dtype=dtype, ctx=str(_ctx(ctx)))


def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):  # pylint: disable=invalid-name
    """An N x M (M=0: N x N) array with ones on the k-th diagonal."""
    return _internal._eye(N=N, M=M, k=k, ctx=_ctx(ctx),
                          dtype=mx_real_t if dtype is None else dtype, **kwargs)


def concatenate(arrays, axis=0, always_copy=True):
    """Joins arrays along an axis (MXNet's concatenate: all on arrays[0]'s device)."""
    if not arrays:
        raise ValueError("concatenate: no arrays given")
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    return op.concat(*arrays, dim=axis)


def moveaxis(tensor, source, destination):
    """Moves one axis to another position (numpy.moveaxis)."""
    axes = list(range(tensor.ndim))
    try:
        axes.pop(source)
    except IndexError:
        raise ValueError('Source should verify 0 <= source < tensor.ndim, got %d' % source) \
            from None
    try:
        axes.insert(destination, source % tensor.ndim)
    except IndexError:
        raise ValueError('Destination should verify 0 <= destination < tensor.ndim (%d), got %d'
                         % (tensor.ndim, destination)) from None
    return op.transpose(tensor, axes=axes)


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Splits into equal sections (an int) or at the given indices (a tuple)."""
    axis_size = ary.shape[axis]
    if isinstance(indices_or_sections, integer_types):
        if axis_size % indices_or_sections:
            raise ValueError('array split does not result in an equal division')
        size = axis_size // indices_or_sections
        indices = [i * size for i in range(indices_or_sections)]
    elif isinstance(indices_or_sections, tuple):
        indices = [0] + list(indices_or_sections)
    else:
        raise ValueError('indices_or_sections must either int or tuple of ints')
    return _internal._split_v2(ary, indices=indices, axis=axis, squeeze_axis=squeeze_axis)


# ---- element-wise functions with scalars ------------------------------------------------
def _ufunc(lhs, rhs, code, py_fn):
    """MXNet's _ufunc_helper: array-array broadcasting op, array-scalar op,
    scalar-array reflected op, or the Python operator on two numbers."""
    if isinstance(lhs, NDArray):
        return _mxc.binop(lhs, rhs, code, False, None)
    if isinstance(rhs, NDArray):
        if isinstance(lhs, numeric_types):
            return _mxc.binop(rhs, lhs, code, True, None)
        raise TypeError('type %s not supported' % str(type(lhs)))
    if isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types):
        return py_fn(lhs, rhs)
    raise TypeError('type %s not supported' % str(type(rhs)))


def _ufunc_doc(name, code, py_fn, doc):
    def fn(lhs, rhs):
        return _ufunc(lhs, rhs, code, py_fn)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc + ("\n\nlhs and rhs: NDArrays (broadcast as NumPy does) or "
                        "numbers.\n")
    return fn


add = _ufunc_doc("add", ADD, operator.add, "Element-wise sum, with broadcasting.")
subtract = _ufunc_doc("subtract", SUB, operator.sub, "Element-wise difference, with broadcasting.")
multiply = _ufunc_doc("multiply", MUL, operator.mul, "Element-wise product, with broadcasting.")
divide = _ufunc_doc("divide", DIV, operator.truediv, "Element-wise division, with broadcasting.")
true_divide = divide
modulo = _ufunc_doc("modulo", MOD, operator.mod, "Element-wise modulo, with broadcasting.")
power = _ufunc_doc("power", POW, operator.pow, "base ** exp element-wise, with broadcasting.")
maximum = _ufunc_doc("maximum", MAXIMUM, lambda x, y: x if x > y else y,
                     "Element-wise maximum, with broadcasting.")
minimum = _ufunc_doc("minimum", MINIMUM, lambda x, y: x if x < y else y,
                     "Element-wise minimum, with broadcasting.")
equal = _ufunc_doc("equal", EQ, lambda x, y: 1 if x == y else 0,
                   "1 where lhs == rhs, else 0, with broadcasting.")
not_equal = _ufunc_doc("not_equal", NE, lambda x, y: 1 if x != y else 0,
                       "1 where lhs != rhs, else 0, with broadcasting.")
greater = _ufunc_doc("greater", GT, lambda x, y: 1 if x > y else 0,
                     "1 where lhs > rhs, else 0, with broadcasting.")
greater_equal = _ufunc_doc("greater_equal", GE, lambda x, y: 1 if x >= y else 0,
                           "1 where lhs >= rhs, else 0, with broadcasting.")
lesser = _ufunc_doc("lesser", LT, lambda x, y: 1 if x < y else 0,
                    "1 where lhs < rhs, else 0, with broadcasting.")
lesser_equal = _ufunc_doc("lesser_equal", LE, lambda x, y: 1 if x <= y else 0,
                          "1 where lhs <= rhs, else 0, with broadcasting.")
logical_and = _ufunc_doc("logical_and", LOGICAL_AND, lambda x, y: 1 if x and y else 0,
                         "1 where both are non-zero, else 0, with broadcasting.")
logical_or = _ufunc_doc("logical_or", LOGICAL_OR, lambda x, y: 1 if x or y else 0,
                        "1 where either is non-zero, else 0, with broadcasting.")
logical_xor = _ufunc_doc("logical_xor", LOGICAL_XOR, lambda x, y: 1 if bool(x) != bool(y) else 0,
                         "1 where exactly one is non-zero, else 0, with broadcasting.")
hypot = _ufunc_doc("hypot", HYPOT, lambda x, y: (x * x + y * y) ** 0.5,
                   "sqrt(lhs**2 + rhs**2) element-wise, with broadcasting.")
