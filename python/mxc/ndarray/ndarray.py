"""ndarray.py - the NDArray class, as MXNet 1.x's ``mxnet.ndarray.NDArray``.

An NDArray is a handle on runtime memory (the native base class
``_mxc.NDArrayBase``). Every operation is pushed to the runtime's engine and
returns at once; ``asnumpy``, ``wait_to_read`` and ``mx.nd.waitall`` wait for
the result (and raise MXNetError if an operation behind it failed).

Arithmetic and comparison operators take the native lean path
``_mxc.binop``; indexing lives in indexing.py, creation functions in
creation.py, and the op functions (``mx.nd.sum`` and the fluent methods
that call them) are generated from the op table by register.py.
"""
# pylint: disable=too-many-public-methods
import warnings
from functools import reduce
import operator

import numpy as np

from .. import _mxc
from ..base import MXNetError, numeric_types, integer_types
from ..context import Context
from . import op, _internal
from . import indexing as _indexing

__all__ = ["NDArray", "waitall", "mx_real_t"]

mx_real_t = np.float32
_COALIGN_BYTES = 1 << 16  # asnumpy co-aligns copies from this size on

# MXNet's dtype codes (spec: mxnet-formats.md 1.4); bfloat16 as MXNet's
# structured NumPy dtype, since NumPy has none.
_BFLOAT16 = np.dtype([('bfloat16', np.uint16)])
_DTYPE_MX_TO_NP = {
    0: np.float32, 1: np.float64, 2: np.float16, 3: np.uint8, 4: np.int32, 5: np.int8,
    6: np.int64, 7: np.bool_, 8: np.int16, 9: np.uint16, 10: np.uint32, 11: np.uint64,
    12: _BFLOAT16,
}
_DTYPE_NP_TO_MX = {np.dtype(t): code for code, t in _DTYPE_MX_TO_NP.items()}


def dtype_code(dtype):
    """MXNet's code of a dtype given as a name, NumPy type or dtype (None: float32)."""
    if dtype is None:
        return 0
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError("data type '%s' not understood" % (dtype,)) from None
    code = _DTYPE_NP_TO_MX.get(dt)
    if code is None:
        raise TypeError("dtype %s is not supported by NDArray (supported: %s)"
                        % (dt, ", ".join(np.dtype(t).name for t in _DTYPE_MX_TO_NP.values()
                                         if t is not _BFLOAT16)))
    return code


def numpy_dtype(code):
    return _DTYPE_MX_TO_NP[code]


# Operator codes of _mxc.binop: (array op, scalar op, reflected scalar op).
_BINOPS = (
    ("broadcast_add", "_plus_scalar", None),
    ("broadcast_sub", "_minus_scalar", "_rminus_scalar"),
    ("broadcast_mul", "_mul_scalar", None),
    ("broadcast_div", "_div_scalar", "_rdiv_scalar"),
    ("broadcast_mod", "_mod_scalar", "_rmod_scalar"),
    ("broadcast_power", "_power_scalar", "_rpower_scalar"),
    ("broadcast_maximum", "_maximum_scalar", None),
    ("broadcast_minimum", "_minimum_scalar", None),
    ("broadcast_equal", "_equal_scalar", None),
    ("broadcast_not_equal", "_not_equal_scalar", None),
    ("broadcast_greater", "_greater_scalar", "_lesser_scalar"),
    ("broadcast_greater_equal", "_greater_equal_scalar", "_lesser_equal_scalar"),
    ("broadcast_lesser", "_lesser_scalar", "_greater_scalar"),
    ("broadcast_lesser_equal", "_lesser_equal_scalar", "_greater_equal_scalar"),
    ("broadcast_hypot", "_hypot_scalar", None),
    ("broadcast_logical_and", "_logical_and_scalar", None),
    ("broadcast_logical_or", "_logical_or_scalar", None),
    ("broadcast_logical_xor", "_logical_xor_scalar", None),
)
(ADD, SUB, MUL, DIV, MOD, POW, MAXIMUM, MINIMUM, EQ, NE, GT, GE, LT, LE, HYPOT, LOGICAL_AND,
 LOGICAL_OR, LOGICAL_XOR) = range(len(_BINOPS))
for _code, (_arrays, _scalar, _rscalar) in enumerate(_BINOPS):
    _mxc._register_binop(_code, _arrays, _scalar, _rscalar)
_mxc._set_numpy_generic(np.generic)
_binop = _mxc.binop

# Python operator -> (op code, reflected): native methods of NDArrayBase.
_OPERATORS = {
    "__add__": (ADD, False), "__radd__": (ADD, True), "__sub__": (SUB, False),
    "__rsub__": (SUB, True), "__mul__": (MUL, False), "__rmul__": (MUL, True),
    "__truediv__": (DIV, False), "__rtruediv__": (DIV, True), "__mod__": (MOD, False),
    "__rmod__": (MOD, True), "__pow__": (POW, False), "__rpow__": (POW, True),
    "__eq__": (EQ, False), "__ne__": (NE, False), "__gt__": (GT, False), "__ge__": (GE, False),
    "__lt__": (LT, False), "__le__": (LE, False),
}
for _op_name, (_code, _reflected) in _OPERATORS.items():
    _mxc._set_operator(_op_name, _code, _reflected)


def _inplace(self, other, code, what):
    if not self.writable:
        raise ValueError('trying to %s a readonly NDArray' % what)
    return _binop(self, other, code, False, self)


class NDArray(_mxc.NDArrayBase):
    """An array on a device (MXNet's NDArray): a fixed-size, typed, n-dimensional
    array whose operations run asynchronously on the runtime's engine."""
    __slots__ = ()
    # NumPy defers binary operators with an NDArray on the right to us.
    __array_priority__ = 1000.0

    # ---- properties --------------------------------------------------------
    @property
    def ndim(self):
        """Number of dimensions."""
        return len(self.shape)

    @property
    def size(self):
        """Number of elements."""
        return reduce(operator.mul, self.shape, 1)

    @property
    def dtype(self):
        """Element type as a NumPy type (numpy.float32, ...)."""
        return _DTYPE_MX_TO_NP[self._dtype_code]

    @property
    def context(self):
        """The device the array lives on."""
        dev_type, dev_id = self._device
        return Context(Context.devtype2str[dev_type], dev_id)

    ctx = context

    @property
    def stype(self):
        """Storage type: always 'default' (dense)."""
        return 'default'

    @property
    def T(self):  # pylint: disable=invalid-name
        """Transpose (arrays of fewer than 2 dimensions are returned as they are)."""
        if len(self.shape) < 2:
            return self
        return op.transpose(self)

    @property
    def grad(self):
        """Gradient buffer: None (autograd is not supported yet)."""
        return None

    def attach_grad(self, grad_req='write', stype=None):
        """Not supported: mxc has no autograd for NDArray yet."""
        raise MXNetError("NDArray.attach_grad is not supported: mxc has no autograd yet")

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Not supported: mxc has no autograd for NDArray yet."""
        raise MXNetError("NDArray.backward is not supported: mxc has no autograd yet")

    def detach(self):
        """A new NDArray sharing this one's memory."""
        return NDArray(self)

    # ---- printing and Python protocols ----------------------------------------
    def __repr__(self):
        if self._is_none:
            return '<%s None>' % self.__class__.__name__
        shape_info = 'x'.join('%d' % x for x in self.shape)
        return '\n%s\n<%s %s @%s>' % (str(self.asnumpy()), self.__class__.__name__,
                                      shape_info, self.context)

    def __len__(self):
        shape = self.shape
        if not shape:
            raise TypeError("len() of unsized object")
        return shape[0]

    def __bool__(self):
        n = self.size
        if n == 0:
            return False
        if n == 1:
            return bool(self.asnumpy().reshape(-1)[0])
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def __float__(self):
        return float(self.asscalar())

    def __int__(self):
        return int(self.asscalar())

    def __hash__(self):
        return id(self) // 16

    __div__ = _mxc.NDArrayBase.__truediv__
    __rdiv__ = _mxc.NDArrayBase.__rtruediv__

    def __reduce__(self):
        return (NDArray, (None,), self.__getstate__())

    def __getstate__(self):
        if self._is_none:
            return {'handle': None}
        return {'handle': bytearray(_mxc.save_raw_bytes(self))}

    def __setstate__(self, state):
        data = state['handle']
        other = _mxc.none() if data is None else _mxc.load_from_raw_bytes(bytes(data))
        self._swap_handle(other)

    def __array__(self, dtype=None, copy=None):
        out = self.asnumpy()
        return out if dtype is None else out.astype(dtype, copy=False)

    def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
        """DLPack export (shares memory; waits for pending writes first)."""
        if copy:
            return _mxc.to_dlpack(self.copy(), False)
        return _mxc.to_dlpack(self, False)

    def __dlpack_device__(self):
        dev_type, dev_id = self._device
        return (2, dev_id) if dev_type == 2 else (1, 0)

    def to_dlpack_for_read(self):
        """A DLPack capsule to read this array (after pending writes)."""
        return _mxc.to_dlpack(self, False)

    def to_dlpack_for_write(self):
        """A DLPack capsule to write this array (after every pending access)."""
        return _mxc.to_dlpack(self, True)

    # ---- indexing --------------------------------------------------------------
    __getitem__ = _indexing.getitem
    __setitem__ = _indexing.setitem

    # ---- arithmetic --------------------------------------------------------------
    # __add__, __radd__, __sub__, ... and the comparisons are native methods
    # of the base class (set below with _mxc._set_operator); in-place forms
    # check writability first.
    def __iadd__(self, other):
        return _inplace(self, other, ADD, 'add to')

    def __isub__(self, other):
        return _inplace(self, other, SUB, 'subtract from')

    def __imul__(self, other):
        return _inplace(self, other, MUL, 'multiply to')

    def __itruediv__(self, other):
        return _inplace(self, other, DIV, 'divide from')

    __idiv__ = __itruediv__

    def __imod__(self, other):
        return _inplace(self, other, MOD, 'take modulo from')

    def __ipow__(self, other):
        return _inplace(self, other, POW, 'take power of')

    def __matmul__(self, other):
        if not isinstance(other, NDArray):
            return NotImplemented
        return op.dot(self, other)

    def __rmatmul__(self, other):
        if not isinstance(other, NDArray):
            return NotImplemented
        return op.dot(other, self)

    def __neg__(self):
        return _internal._mul_scalar(self, scalar=-1.0)

    def __pos__(self):
        return self

    def __abs__(self):
        return op.abs(self)

    # ---- copies and conversions ------------------------------------------------------
    def asnumpy(self):
        """A NumPy copy of the array (waits for pending writes)."""
        if self._is_none:
            raise MXNetError("asnumpy: the array is none (it has no data)")
        dtype = np.dtype(self.dtype)
        nbytes = self.size * dtype.itemsize
        if nbytes < _COALIGN_BYTES:
            data = np.empty(self.shape, dtype=dtype)
        else:
            # Place the copy at the source's offset within 64 bytes: memcpy
            # runs at half speed between buffers aligned differently.
            raw = np.empty(nbytes + 64, dtype=np.uint8)
            offset = (self._data_ptr() - raw.ctypes.data) % 64
            data = raw[offset:offset + nbytes].view(dtype).reshape(self.shape)
        self._copy_to_host(data)
        return data

    def asscalar(self):
        """The value of a one-element array, as a NumPy scalar."""
        if self.shape != (1,):
            raise ValueError("The current array is not a scalar")
        return self.asnumpy()[0]

    def astype(self, dtype, copy=True):
        """A copy converted to dtype (or self if copy=False and the dtype matches)."""
        if not copy and np.dtype(dtype) == np.dtype(self.dtype):
            return self
        from .creation import empty
        res = empty(self.shape, ctx=self.context, dtype=dtype)
        self.copyto(res)
        return res

    def copy(self):
        """A deep copy on the same device."""
        return self.copyto(self.context)

    def copyto(self, other):
        """Copies into another NDArray (same shape, any device) or onto a Context."""
        if isinstance(other, NDArray):
            if other._handle_id == self._handle_id:
                warnings.warn('You are attempting to copy an array to itself', RuntimeWarning)
                return False
            self._copy_into(other)
            return other
        if isinstance(other, Context):
            from .creation import empty
            res = empty(self.shape, ctx=other, dtype=self.dtype)
            self._copy_into(res)
            return res
        raise TypeError('copyto does not support type ' + str(type(other)))

    def as_in_context(self, context):
        """This array if it is on context, else a copy there."""
        if self.context == context:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def tostype(self, stype):
        """Storage conversion: only 'default' (dense) exists here."""
        if stype != 'default':
            raise MXNetError("tostype: storage type '%s' is not supported (only 'default')"
                             % stype)
        return self

    # ---- shape ----------------------------------------------------------------------
    def reshape(self, *shape, **kwargs):
        """A view with a new shape (MXNet's special values 0, -1, -2, -3, -4;
        reverse=True matches them from the right)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        elif not shape:
            shape = kwargs.get('shape')
            if shape is None:
                raise TypeError("reshape: shape must be provided")
        unknown = [k for k in kwargs if k not in ('shape', 'reverse')]
        if unknown:
            raise TypeError("Got unknown keywords in reshape: %s. Accepted keyword arguments "
                            "are 'shape' and 'reverse'." % ", ".join(unknown))
        if isinstance(shape, integer_types):
            shape = (shape,)
        return self._reshape_view(tuple(int(d) for d in shape), bool(kwargs.get('reverse')))

    def broadcast_to(self, shape):
        """A new array of `shape`, repeating this one along axes of size 1."""
        shape = tuple(shape)
        cur = self.shape
        err = ('operands could not be broadcast together with remapped shapes'
               '[original->remapped]: {} and requested shape {}'.format(cur, shape))
        if len(shape) < len(cur):
            raise ValueError(err)
        padded = (1,) * (len(shape) - len(cur)) + cur
        if any(c != s and c != 1 for c, s in zip(padded, shape)):
            raise ValueError(err)
        src = self.reshape(padded) if padded != cur else self
        return op.broadcast_to(src, shape=shape)

    def broadcast_like(self, other):
        """broadcast_to(other.shape)."""
        return self.broadcast_to(other.shape)

    def expand_dims(self, axis, inplace=False):
        """Inserts an axis of size 1 (a view when inplace=True)."""
        if not inplace:
            return op.expand_dims(self, axis=axis)
        shape = list(self.shape)
        if not -len(shape) - 1 <= axis <= len(shape):
            raise ValueError("axis {} is out of range for {}d array".format(axis, len(shape)))
        shape.insert(axis + len(shape) + 1 if axis < 0 else axis, 1)
        return self.reshape(shape)

    def flatten(self, inplace=False):
        """(d1, d2*...*dk) (a view when inplace=True)."""
        if not inplace:
            return op.flatten(self)
        return self.reshape((0, -1)) if self.ndim else self.reshape((1,))

    def squeeze(self, axis=None, inplace=False):
        """Removes axes of size 1 (a view when inplace=True)."""
        if not inplace:
            return op.squeeze(self, axis=axis)
        shape = list(self.shape)
        axes = [axis] if isinstance(axis, integer_types) else axis
        if axes:
            resolved = [a + len(shape) if a < 0 else a for a in axes]
            for given, a in zip(axes, resolved):
                if not 0 <= a < len(shape):
                    raise ValueError("axis {} is out of range for {}d array"
                                     .format(given, len(shape)))
                if shape[a] != 1:
                    raise ValueError("Squeeze target axis {} must be size 1, got {}."
                                     .format(given, shape[a]))
            shape = [d for i, d in enumerate(shape) if i not in resolved]
        else:
            shape = [d for d in shape if d != 1]
        return self.reshape(shape or [1])

    def transpose(self, *axes, **kwargs):
        """Permutes the axes: transpose(), transpose((1, 0)) or transpose(1, 0)."""
        if len(axes) > 1 and all(isinstance(a, integer_types) for a in axes):
            axes = (axes,)
        return op.transpose(self, *axes, **kwargs)

    def wait_to_write(self):
        """Waits until every pending read and write of the array is done."""
        self._wait_to_write()


# Fluent methods: x.sum(...) is mx.nd.sum(x, ...) (MXNet's list).
_FLUENT = (
    "reshape_like", "zeros_like", "ones_like", "broadcast_axes", "repeat", "pad", "swapaxes",
    "split", "split_v2", "slice", "slice_axis", "slice_like", "take", "one_hot", "pick", "sort",
    "topk", "argsort", "argmax", "argmax_channel", "argmin", "clip", "abs", "sign",
    "shape_array", "size_array", "tile", "flip", "depth_to_space", "space_to_depth", "diag",
    "sum", "nansum", "prod", "nanprod", "mean", "max", "min", "norm", "round", "rint", "fix",
    "floor", "ceil", "trunc", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "degrees",
    "radians", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "exp", "expm1", "log",
    "log10", "log2", "log1p", "sqrt", "rsqrt", "cbrt", "rcbrt", "square", "reciprocal", "relu",
    "sigmoid", "softmax", "log_softmax", "softmin",
)


def _make_fluent(name):
    def fluent(self, *args, **kwargs):
        return getattr(op, name)(self, *args, **kwargs)
    fluent.__name__ = fluent.__qualname__ = name
    fluent.__doc__ = "Convenience fluent method for :py:func:`%s`." % name
    return fluent


for _name in _FLUENT:
    if not hasattr(NDArray, _name):
        setattr(NDArray, _name, _make_fluent(_name))

_mxc._set_ndarray_class(NDArray)


def waitall():
    """Waits until every pushed operation has run; raises the first error of
    an operation that failed since the last wait."""
    _mxc.waitall()
