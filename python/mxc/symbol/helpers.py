"""helpers.py - mx.sym's functions that pick an operator by their arguments
(pow, maximum, minimum, hypot: symbol or scalar operands) and the creation
functions (zeros, ones, full, arange), as in MXNet's symbol.py."""
from numbers import Number

from . import _internal, op
from .symbol import Symbol

__all__ = ["pow", "power", "maximum", "minimum", "hypot", "zeros", "ones", "full", "arange"]


def _ufunc(left, right, array_fn, lscalar_fn, rscalar_fn, number_fn):
    if isinstance(left, Symbol) and isinstance(right, Symbol):
        return array_fn(left, right)
    if isinstance(left, Symbol) and isinstance(right, Number):
        return lscalar_fn(left, scalar=right)
    if isinstance(left, Number) and isinstance(right, Symbol):
        return rscalar_fn(right, scalar=left)
    if isinstance(left, Number) and isinstance(right, Number):
        return number_fn(left, right)
    raise TypeError("types (%s, %s) not supported" % (str(type(left)), str(type(right))))


def pow(base, exp):  # pylint: disable=redefined-builtin
    """base ** exp for symbols and scalars (_Power, _PowerScalar, _RPowerScalar)."""
    return _ufunc(base, exp, _internal._Power, _internal._PowerScalar,
                  _internal._RPowerScalar, lambda a, b: a ** b)


power = pow


def maximum(left, right):
    """Element-wise maximum of symbols and scalars."""
    return _ufunc(left, right, _internal._Maximum, _internal._MaximumScalar,
                  _internal._MaximumScalar, lambda a, b: a if a > b else b)


def minimum(left, right):
    """Element-wise minimum of symbols and scalars."""
    return _ufunc(left, right, _internal._Minimum, _internal._MinimumScalar,
                  _internal._MinimumScalar, lambda a, b: a if a < b else b)


def hypot(left, right):
    """sqrt(left**2 + right**2), element-wise."""
    return _ufunc(left, right, _internal._Hypot, _internal._HypotScalar,
                  _internal._HypotScalar, lambda a, b: (a * a + b * b) ** 0.5)


def zeros(shape, dtype=None, **kwargs):
    """A symbol of zeros of this shape (float32 unless dtype says)."""
    return _internal._zeros(shape=shape, dtype="float32" if dtype is None else dtype, **kwargs)


def ones(shape, dtype=None, **kwargs):
    """A symbol of ones of this shape."""
    return _internal._ones(shape=shape, dtype="float32" if dtype is None else dtype, **kwargs)


def full(shape, val, dtype=None, **kwargs):
    """A symbol of this shape filled with val."""
    return _internal._full(shape=shape, dtype="float32" if dtype is None else dtype,
                           value=float(val), **kwargs)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None):
    """Evenly spaced values in [start, stop) (MXNet's arange)."""
    return _internal._arange(start=start, stop=stop, step=step, repeat=repeat,
                             infer_range=infer_range, name=name,
                             dtype="float32" if dtype is None else dtype)


del op
