"""ndarray_iter.py - NDArrayIter: batches of in-memory arrays (NDArray or
NumPy), as MXNet 1.x's ``mx.io.NDArrayIter``.

Inputs are one array, a list (named ``_0_data``, ``_1_data``... when more
than one) or a dict; they are listed sorted by name, as MXNet does. The
last batch follows ``last_batch_handle``:
- 'pad': filled with examples from the start (``batch.pad`` counts them);
- 'discard': dropped;
- 'roll_over': its examples open the next epoch's first batch (after
  ``reset``), whose ``pad`` is negative of the cursor, as in MXNet.
``shuffle=True`` draws a permutation from NumPy's global generator at
every reset (np.random.seed makes it repeatable), as MXNet does.

Batches along axis 0 are views of the (permuted) arrays: no copy per batch.
"""
from collections import OrderedDict

import numpy as np

from ..base import MXNetError
from ..ndarray import NDArray, array, concat, tile, take, slice_axis
from .base import DataDesc, DataBatch, DataIter

__all__ = ["NDArrayIter"]

_LAST_BATCH = ("pad", "discard", "roll_over")


def _init_data(data, allow_empty, default_name):
    """[(name, NDArray)] sorted by name, from an array, list or dict."""
    if data is None:
        if not allow_empty:
            raise ValueError("NDArrayIter needs data (got None)")
        data = []
    if isinstance(data, (np.ndarray, NDArray)):
        data = [data]
    if isinstance(data, list):
        if not data and not allow_empty:
            raise ValueError("NDArrayIter needs data (got an empty list)")
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict([('_%d_%s' % (i, default_name), d) for i, d in enumerate(data)])
    if not isinstance(data, dict):
        raise TypeError("Input must be NDArray, numpy.ndarray, a list of them or dict with "
                        "them as values")
    out = []
    for k, v in data.items():
        if not isinstance(v, NDArray):
            try:
                v = array(v)
            except Exception:  # pylint: disable=broad-except
                raise TypeError("Invalid type '%s' for %s, should be NDArray or numpy.ndarray"
                                % (type(v), k)) from None
        out.append((k, v))
    return sorted(out, key=lambda kv: kv[0])


class NDArrayIter(DataIter):
    """Iterates over NDArrays or NumPy arrays in batches.

    Parameters
    ----------
    data, label : array, list of arrays or dict of name to array
    batch_size : int
    shuffle : bool (reshuffled at every reset)
    last_batch_handle : 'pad' | 'discard' | 'roll_over'
    data_name, label_name : names when data/label are not dicts
    layout : the data layout; its 'N' is the batch axis
    """

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle='pad',
                 data_name='data', label_name='softmax_label', layout='NCHW'):
        super(NDArrayIter, self).__init__(batch_size)
        if last_batch_handle not in _LAST_BATCH:
            raise ValueError("last_batch_handle must be one of %s, got %r"
                             % (", ".join(_LAST_BATCH), last_batch_handle))
        if int(batch_size) <= 0:
            raise ValueError("batch_size must be positive, got %s" % batch_size)
        self.layout = layout
        axis = self._axis = layout.find('N') if layout else 0
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        counts = [(k, v.shape[axis]) for k, v in self.data + self.label]
        for k, n in counts[1:]:
            if n != counts[0][1]:
                raise MXNetError("NDArrayIter: all data and labels need the same number of "
                                 "examples along the batch axis %d: '%s' has %d, '%s' has %d"
                                 % (axis, counts[0][0], counts[0][1], k, n))
        self.idx = np.arange(counts[0][1])
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = int(batch_size)
        self.cursor = -self.batch_size
        self.num_data = self.idx.shape[0]
        self._cache_data = None
        self._cache_label = None
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)

    def _descs(self, sources):
        axis = self._axis
        return [DataDesc(k, tuple(v.shape[:axis]) + (self.batch_size,) + tuple(v.shape[axis + 1:]),
                         v.dtype, layout=self.layout) for k, v in sources]

    @property
    def provide_data(self):
        """DataDescs of one data batch."""
        return self._descs(self.data)

    @property
    def provide_label(self):
        """DataDescs of one label batch."""
        return self._descs(self.label)

    def hard_reset(self):
        """Starts over, dropping rolled-over examples."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self):
        """Starts the next epoch (keeping rolled-over examples)."""
        if self.shuffle:
            self._shuffle_data()
        if self.last_batch_handle == 'roll_over' and \
                self.num_data - self.batch_size < self.cursor < self.num_data:
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self):
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self):
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        if data[0].shape[self._axis] != self.batch_size:
            # an incomplete last batch ('discard', 'roll_over'): kept for the next epoch
            self._cache_data = data
            self._cache_label = label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _getdata(self, data_source, start=None, end=None):
        start = 0 if start is None else start
        if end is None:
            end = data_source[0][1].shape[self._axis] if data_source else 0
        if self._axis == 0:
            return [v[start:end] for _, v in data_source]
        return [slice_axis(v, axis=self._axis, begin=start, end=end) for _, v in data_source]

    def _concat(self, first, second):
        if not first or not second:
            return first if first else second
        return [concat(a, b, dim=self._axis) for a, b in zip(first, second)]

    def _tile(self, data, repeats):
        out = []
        for d in data:
            reps = [1] * d.ndim
            reps[self._axis] = repeats
            out.append(tile(d, reps=tuple(reps)))
        return out

    def _batchify(self, data_source):
        if self.cursor >= self.num_data:
            raise MXNetError("NDArrayIter needs reset(): the epoch has ended")
        if self.last_batch_handle == 'roll_over' and -self.batch_size < self.cursor < 0:
            # the first batch after a roll-over: last epoch's remainder, then the start
            if self._cache_data is None and self._cache_label is None:
                raise MXNetError("NDArrayIter: rolled-over examples are missing")
            cache = self._cache_data if self._cache_data is not None else self._cache_label
            second = self._getdata(data_source, end=self.cursor + self.batch_size)
            if self._cache_data is not None:
                self._cache_data = None
            else:
                self._cache_label = None
            return self._concat(cache, second)
        if self.last_batch_handle == 'pad' and self.cursor + self.batch_size > self.num_data:
            pad = self.batch_size - self.num_data + self.cursor
            first = self._getdata(data_source, start=self.cursor)
            if pad > self.num_data:
                second = self._tile(self._getdata(data_source, end=self.num_data),
                                    pad // self.num_data)
                if pad % self.num_data:
                    second = self._concat(second, self._getdata(data_source,
                                                                end=pad % self.num_data))
            else:
                second = self._getdata(data_source, end=pad)
            return self._concat(first, second)
        end = min(self.cursor + self.batch_size, self.num_data)
        return self._getdata(data_source, self.cursor, end)

    def getdata(self):
        return self._batchify(self.data)

    def getlabel(self):
        return self._batchify(self.label)

    def getpad(self):
        if self.last_batch_handle == 'pad' and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == 'roll_over' and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self):
        """Permutes every source with one draw from NumPy's global RNG."""
        np.random.shuffle(self.idx)
        order = array(self.idx, dtype=np.int64)
        self.data = [(k, take(v, order, axis=self._axis)) for k, v in self.data]
        self.label = [(k, take(v, order, axis=self._axis)) for k, v in self.label]
