"""indexing.py - NDArray.__getitem__ and __setitem__ with MXNet 1.9's rules.

Basic indexing (integers, slices, None, Ellipsis) returns a view sharing
memory when the selected elements are contiguous (a flat slice of the
array), otherwise a copy made by the `slice` op. Advanced indexing (lists,
NumPy arrays, NDArrays, ranges; integers then count as index arrays too)
gathers with `gather_nd` and always copies. Assignment writes through
`_full`, `_slice_assign_scalar`, `_slice_assign` or, for advanced keys,
`scatter_nd` + `where`; values may be scalars, NDArrays, NumPy arrays or
array-likes, broadcast to the indexed shape. Boolean masks are not
supported (as in MXNet's legacy mode).
"""
# pylint: disable=protected-access
import numpy as np

from ..base import numeric_types, integer_types
from . import op, _internal

_BASIC, _ADVANCED = 0, 1


def _nd():
    from .ndarray import NDArray
    return NDArray


# ---- keys ---------------------------------------------------------------------
def _expand_key(key, ndim):
    """The key as a tuple with Ellipsis and the implicit trailing axes made
    explicit as slice(None); None entries stay (new axes)."""
    if not isinstance(key, tuple):
        key = (key,)
    ell = None
    items = []
    nd_type = _nd()
    for idx in key:
        if idx is Ellipsis:
            if ell is not None:
                raise IndexError('Cannot use more than one ellipsis (`...`) for indexing')
            ell = len(items)
            continue
        if isinstance(idx, bool) or (isinstance(idx, np.ndarray) and idx.dtype == np.bool_) or \
                (isinstance(idx, nd_type) and idx.dtype == np.bool_):
            raise IndexError('boolean indices are not supported by NDArray (legacy mode)')
        if isinstance(idx, nd_type) and idx.ndim == 0:
            idx = int(idx.asnumpy())
        items.append(idx)
    if ell is None:
        ell = len(items)
    used = sum(1 for i in items if i is not None)
    if used > ndim:
        raise IndexError('too many indices ({}) for array with {} dimensions'.format(used, ndim))
    fill = (slice(None),) * (ndim - used)
    return tuple(items[:ell]) + fill + tuple(items[ell:])


def _dispatch(key):
    for idx in key:
        if isinstance(idx, (_nd(), np.ndarray, list, tuple, range)):
            return _ADVANCED
        if not (idx is None or isinstance(idx, (slice, integer_types))):
            raise ValueError('NDArray does not support slicing with key {} of type {}.'
                             .format(idx, type(idx)))
    return _BASIC


def _int_to_slice(i):
    return slice(-1, None) if i == -1 else slice(i, i + 1)


def _slice_len(slc, n):
    start, stop, step = slc.indices(n)
    return max(0, (stop - start + (step - (1 if step > 0 else -1))) // step)


def _check_int(i, ax, n):
    if not -n <= i < n:
        raise IndexError('index {} is out of bounds for axis {} with size {}'.format(i, ax, n))


def _new_axes_after_basic(key):
    """Positions of None entries in the result (integer axes are dropped)."""
    out, pos = [], 0
    for idx in key:
        if idx is None:
            out.append(pos)
            pos += 1
        elif not isinstance(idx, integer_types):
            pos += 1
    return out


def _shape_for_bcast(shape, target_ndim, new_axes):
    """shape padded to target_ndim: 1 at new_axes (when shorter), then filled
    from the right with shape's entries, then with 1 (MXNet's rule)."""
    out = [None] * target_ndim
    if len(shape) < target_ndim:
        for ax in new_axes:
            out[ax] = 1
    k = 1
    for ax in range(1, target_ndim + 1):
        if out[-ax] is None:
            if k <= len(shape):
                out[-ax] = shape[-k]
                k += 1
            else:
                out[-ax] = 1
    return tuple(out)


def _is_contiguous(slcs, shape):
    """Whether slicing selects a flat range (MXNet's rule: from the right,
    after an axis sliced to a proper subset every axis has <= 1 element)."""
    total = 1
    for s, n in zip(slcs, shape):
        total *= _slice_len(s, n)
    if total in (0, 1):
        return True
    subset = False
    for s, n in zip(reversed(slcs), reversed(shape)):
        step = s.indices(n)[2]
        k = _slice_len(s, n)
        if k == 0:
            return True
        if k > 1 and step != 1:
            return False
        if subset:
            if k > 1:
                return False
        elif k < n:
            subset = True
    return True


def _flat_range(slcs, shape):
    begin = end = 0
    for s, n in zip(slcs, shape):
        begin *= n
        end *= n
        b = s.indices(n)[0]
        k = _slice_len(s, n)
        if k == 0:
            return 0, 0
        begin += b
        end += b + k - 1
    return begin, end + 1


def _begin_end_step(slcs):
    """MXNet's begin/end/step tuples of the slice ops (None entries kept)."""
    return (tuple(s.start for s in slcs), tuple(s.stop for s in slcs),
            tuple(s.step for s in slcs))


# ---- __getitem__ -------------------------------------------------------------------
def getitem(self, key):
    """x[key]: a view when the selection is contiguous, else a copy."""
    shape = self.shape
    # Fast paths: an integer or a step-1 slice on the first axis.
    if isinstance(key, integer_types) and not isinstance(key, bool):
        if not shape:
            raise IndexError('too many indices for a 0-d array')
        _check_int(key, 0, shape[0])
        key = int(key) % shape[0]
        if len(shape) == 1:
            return self._slice_rows(key, key + 1)
        return self._at(key)
    if isinstance(key, slice) and shape:
        if key.step is None or key.step == 1:
            if key.start is None and key.stop is None:
                return self
            start, stop, _ = key.indices(shape[0])
            return self._slice_rows(start, max(start, stop))
        if key.step == 0:
            raise ValueError("slice step cannot be zero")
    if (isinstance(key, tuple) and not key) or \
            (not shape and isinstance(key, slice) and key == slice(None)):
        return self
    key = _expand_key(key, len(shape))
    if not key:
        raise ValueError('indexing key cannot be an empty tuple')
    if _dispatch(key) == _BASIC:
        return _get_basic(self, key)
    return _get_advanced(self, key)


def _basic_slices(key, shape):
    """(one slice per axis, the axes given as integers) of a basic key;
    IndexError for an integer out of range."""
    key_nd = tuple(i for i in key if i is not None)
    int_axes = [ax for ax, i in enumerate(key_nd) if isinstance(i, integer_types)]
    for ax in int_axes:
        _check_int(key_nd[ax], ax, shape[ax])
    return tuple(_int_to_slice(i) if isinstance(i, integer_types) else i for i in key_nd), int_axes


def _get_basic(self, key):
    shape = self.shape
    slcs, int_axes = _basic_slices(key, shape)
    if _is_contiguous(slcs, shape):
        begin, end = _flat_range(slcs, shape)
        sliced_shape = tuple(_slice_len(s, n) for s, n in zip(slcs, shape))
        sliced = self.reshape(-1)._slice_rows(begin, end).reshape(sliced_shape)
    else:
        b, e, s = _begin_end_step(slcs)
        sliced = op.slice(self, begin=b, end=e, step=s)
    final = [d for i, d in enumerate(sliced.shape) if i not in int_axes]
    for ax in _new_axes_after_basic(key):
        final.insert(ax, 1)
    return sliced.reshape(final or [1])


def _index_array(idx, n, ctx):
    """An advanced index as an int32 NDArray on ctx."""
    from .creation import array, arange
    nd_type = _nd()
    if isinstance(idx, nd_type):
        if idx.dtype != np.int32:
            idx = idx.astype('int32')
        return idx.as_in_context(ctx)
    if isinstance(idx, (np.ndarray, list, tuple)):
        return array(idx, ctx=ctx, dtype='int32')
    if isinstance(idx, integer_types):
        return array([idx], ctx=ctx, dtype='int32')
    if isinstance(idx, slice):
        start, stop, step = idx.indices(n)
        return arange(start, stop, step, ctx=ctx, dtype='int32')
    if isinstance(idx, range):
        return arange(idx.start, idx.stop, idx.step, ctx=ctx, dtype='int32')
    raise IndexError('illegal index type {}'.format(type(idx)))


def _broadcast_shape(shapes):
    return np.broadcast_shapes(*shapes) if shapes else ()


def _is_advanced(idx):
    return isinstance(idx, (_nd(), np.ndarray, integer_types, list, tuple, range))


def _index_nd(self, key):
    """(stacked index array for gather_nd/scatter_nd, new-axis positions),
    following MXNet 1.9's _get_index_nd step by step."""
    shape = self.shape
    key_nd = [i for i in key if i is not None]
    ndim = len(key_nd)
    adv_in_key = [ax for ax, i in enumerate(key) if _is_advanced(i)]
    adv = [ax for ax, i in enumerate(key_nd) if _is_advanced(i)]
    adjacent = all(b - a == 1 for a, b in zip(adv_in_key, adv_in_key[1:]))
    # Trailing whole axes need no index arrays (gather_nd keeps them).
    short = list(key_nd)
    while short and isinstance(short[-1], slice) and short[-1] == slice(None):
        short.pop()
    dropped = set(range(len(short), ndim))
    if adjacent:
        permut = list(range(ndim))
        block_axes = adv
    else:
        # Broadcast with the advanced block in front, stack in the original order.
        permut = adv + [a for a in range(ndim) if a not in adv]
        block_axes = list(range(len(adv)))
    idcs = [key_nd[a] for a in permut if a not in dropped]
    arrays = [_index_array(i, shape[a], self.context) for i, a in zip(idcs, permut)]
    block = tuple(_broadcast_shape([arrays[a].shape for a in block_axes]))
    lead, last_block = block_axes[0], block_axes[-1]
    trail = len(arrays) - (last_block + 1)
    full = (tuple(arrays[a].shape[0] for a in range(lead)) + block +
            tuple(arrays[a].shape[0] for a in range(last_block + 1, len(arrays))))
    bcast = [None] * len(arrays)
    for a in block_axes:
        arr = arrays[a] if arrays[a].shape == block else arrays[a].broadcast_to(block)
        bcast[a] = arr.reshape((1,) * lead + block + (1,) * trail).broadcast_to(full)
    delta = len(block) - len(block_axes)
    for a in range(len(arrays)):
        if a in block_axes:
            continue
        shp = [1] * len(full)
        shp[a if a < lead else a + delta] = arrays[a].shape[0]
        bcast[a] = arrays[a].reshape(shp).broadcast_to(full)
    inverse = np.argsort(permut)
    ordered = [bcast[inverse[a]] for a in range(ndim) if a not in dropped]
    # Where new axes (None) land: MXNet's rule, kept as is.
    steps = [0 if adjacent else len(block)] + [0 if ax in adv_in_key else 1
                                                for ax in range(len(key))]
    cum = np.cumsum(steps)
    new_axes = [int(cum[ax]) for ax in range(len(key)) if key[ax] is None]
    return op.stack(*ordered), new_axes


def _get_advanced(self, key):
    indices, new_axes = _index_nd(self, key)
    out = op.gather_nd(self, indices)
    if new_axes:
        shape = list(out.shape)
        for ax in new_axes:
            shape.insert(ax, 1)
        out = out.reshape(shape)
    return out


# ---- __setitem__ ---------------------------------------------------------------------
def _value_nd(self, value, shape, squeeze_axes=()):
    """value as an NDArray of self's device and dtype, broadcast to shape."""
    from .creation import full, array
    nd_type = _nd()
    if isinstance(value, numeric_types):
        v = full(shape, value, ctx=self.context, dtype=self.dtype)
    elif isinstance(value, nd_type):
        v = value.as_in_context(self.context)
        if v.dtype != self.dtype:
            v = v.astype(self.dtype)
    else:
        try:
            v = array(value, ctx=self.context, dtype=self.dtype)
        except Exception:  # pylint: disable=broad-except
            raise TypeError('{} does not support assignment with non-array-like object {} of '
                            'type {}'.format(type(self), value, type(value))) from None
    if squeeze_axes and v.ndim > len(shape):
        axes = tuple(a for a in squeeze_axes if a < v.ndim and v.shape[a] == 1)
        if axes:
            v = v.reshape([d for i, d in enumerate(v.shape) if i not in axes] or [1])
    while v.ndim > len(shape) and v.shape[0] == 1:  # a[0] = ones((1, 1, 3))
        v = v.reshape(v.shape[1:] or (1,))
    if v.shape != tuple(shape):
        v = v.reshape(shape) if v.size == 0 else v.broadcast_to(shape)
    return v


def setitem(self, key, value):
    """x[key] = value."""
    if not self.writable:
        raise ValueError('trying to assign to a readonly NDArray')
    shape = self.shape
    if not shape:
        if not ((isinstance(key, tuple) and not key) or
                (isinstance(key, slice) and key == slice(None))):
            raise IndexError('scalar tensor can only accept `()` and `:` as index')
        _assign_all(self, value, key)
        return
    if self.size == 0:
        return
    key = _expand_key(key, len(shape))
    if _dispatch(key) == _BASIC:
        _set_basic(self, key, value)
    else:
        _set_advanced(self, key, value)


def _assign_all(self, value, key):
    nd_type = _nd()
    if isinstance(value, numeric_types):
        _internal._full(shape=self.shape, value=float(value), ctx=self.context,
                        dtype=self.dtype, out=self)
    elif isinstance(value, nd_type):
        if value._handle_id != self._handle_id:
            _value_nd(self, value, self.shape).copyto(self)
    else:
        src = np.asarray(value, dtype=self.dtype, order='C')
        if src.shape != self.shape:
            src = np.ascontiguousarray(np.broadcast_to(src, self.shape))
        self._copy_from_host(src)


def _set_basic(self, key, value):
    shape = self.shape
    slcs, int_axes = _basic_slices(key, shape)
    indexed = tuple(_slice_len(s, n) for s, n in zip(slcs, shape))
    whole = indexed == shape and all(s.indices(n)[2] > 0 for s, n in zip(slcs, shape))
    value_shape = tuple(d for i, d in enumerate(indexed) if i not in int_axes) or (1,)
    new_axes = _new_axes_after_basic(key)
    if whole:
        if isinstance(value, np.ndarray):
            src = np.asarray(value, dtype=self.dtype)
            src = src.reshape(_shape_for_bcast(src.shape, len(shape), int_axes))
            if src.shape != shape:
                src = np.broadcast_to(src, shape)
            self._copy_from_host(np.ascontiguousarray(src))
        elif isinstance(value, numeric_types):
            _assign_all(self, value, key)
        else:
            if isinstance(value, _nd()) and value._handle_id == self._handle_id:
                return
            _value_nd(self, value, value_shape, new_axes).reshape(indexed).copyto(self)
        return
    b, e, s = _begin_end_step(slcs)
    if isinstance(value, numeric_types):
        _internal._slice_assign_scalar(self, scalar=float(value), begin=b, end=e, step=s,
                                       out=self)
    else:
        v = _value_nd(self, value, value_shape, new_axes).reshape(indexed)
        _internal._slice_assign(self, v, begin=b, end=e, step=s, out=self)


def _set_advanced(self, key, value):
    indices, new_axes = _index_nd(self, key)
    ishape = indices.shape
    vshape = tuple(ishape[1:]) + tuple(self.shape[ishape[0]:])
    v = _value_nd(self, value, vshape, new_axes)
    # self[indices] = v: scatter the values and a mask of the written
    # positions, then keep self where the mask is 0.
    scattered = op.scatter_nd(v, indices, shape=self.shape)
    mask = op.scatter_nd(op.ones_like(v), indices, shape=self.shape)
    op.where(mask, scattered, self, out=self)
