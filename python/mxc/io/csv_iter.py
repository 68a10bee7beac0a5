"""csv_iter.py - CSVIter: rows of CSV files in batches, as MXNet 1.x's
``mx.io.CSVIter`` (src/io/iter_csv.cc behind its BatchLoader).

Each row of ``data_csv`` (a file, or a directory whose files are read in
name order) is one example of ``data_shape``; ``label_csv`` likewise with
``label_shape`` (default (1,), giving labels of shape (batch,)), or all
zeros when it is 'NULL'. The last batch, when incomplete:
- ``round_batch=True`` (default): is completed with rows from the start,
  ``pad`` says how many; the next epoch then begins after them (a reset
  right after such a batch does not rewind), as MXNet's BatchLoader does;
- ``round_batch=False``: keeps the previous batch's rows in the unused
  slots, ``pad`` says how many.
``dtype`` is 'float32' (default), 'int32', 'int64' or any NumPy dtype name.
``batch.index`` holds the rows' indices. Errors name the file and line.
"""
import os

import numpy as np

from ..base import MXNetError
from ..ndarray import array
from .base import DataDesc, DataBatch, DataIter, check_iter_args, flag

__all__ = ["CSVIter"]


def _shape(value, what):
    if isinstance(value, str):
        value = tuple(int(d) for d in value.strip("()[] ").split(",") if d.strip())
    elif isinstance(value, int):
        value = (value,)
    value = tuple(int(d) for d in value)
    if not value or any(d <= 0 for d in value):
        raise MXNetError("CSVIter: %s must be a non-empty shape of positive sizes, got %s"
                         % (what, value))
    return value


def _files(path, what):
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if os.path.isfile(os.path.join(path, n)))
        if not names:
            raise MXNetError("CSVIter: %s directory '%s' has no files" % (what, path))
        return [os.path.join(path, n) for n in names]
    if not os.path.exists(path):
        raise MXNetError("CSVIter: cannot open %s '%s': No such file or directory" % (what, path))
    return [path]


def _read_rows(path, what, width, dtype):
    """All rows of the CSV file(s) at `path` as a (rows, width) array."""
    rows = []
    for name in _files(path, what):
        with open(name, "r", encoding="utf-8") as f:
            for line_no, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                fields = line.split(",")
                if len(fields) != width:
                    raise MXNetError("CSVIter: %s '%s' line %d has %d values, the shape needs "
                                     "%d" % (what, name, line_no, len(fields), width))
                try:
                    rows.append([float(x) for x in fields])
                except ValueError:
                    raise MXNetError("CSVIter: %s '%s' line %d: not a number in '%s'"
                                     % (what, name, line_no, line)) from None
    return np.asarray(rows, dtype=np.float64).reshape(-1, width).astype(dtype)


class CSVIter(DataIter):
    """Iterates over CSV files (keyword arguments only; MXNet's names:
    data_csv, data_shape, label_csv='NULL', label_shape=(1,), batch_size,
    round_batch=True, dtype=None, data_name, label_name)."""

    _PREFETCHER = ("prefetch_buffer", "ctx")

    def __init__(self, *args, data_csv=None, data_shape=None, label_csv="NULL",
                 label_shape=(1,), batch_size=None, round_batch=True, dtype=None,
                 data_name='data', label_name='softmax_label', **kwargs):
        batch_size = check_iter_args("CSVIter", args, kwargs, self._PREFETCHER, batch_size)
        for name, value in (("data_csv", data_csv), ("data_shape", data_shape)):
            if value is None:
                raise MXNetError("CSVIter: required parameter %s is missing" % name)
        super(CSVIter, self).__init__(batch_size)
        dtype = np.dtype("float32" if dtype in (None, "None") else dtype)
        data_shape = _shape(data_shape, "data_shape")
        label_shape = _shape(label_shape, "label_shape")
        self._rows = _read_rows(data_csv, "data_csv", int(np.prod(data_shape)), dtype)
        n = self._rows.shape[0]
        if n == 0:
            raise MXNetError("CSVIter: data_csv '%s' has no rows" % data_csv)
        if label_csv in (None, "NULL"):
            self._labels = np.zeros((n, int(np.prod(label_shape))), dtype=dtype)
        else:
            self._labels = _read_rows(label_csv, "label_csv", int(np.prod(label_shape)), dtype)
            if self._labels.shape[0] != n:
                raise MXNetError("CSVIter: data_csv '%s' has %d rows but label_csv '%s' has %d"
                                 % (data_csv, n, label_csv, self._labels.shape[0]))
        self._data_shape = (batch_size,) + data_shape
        self._label_shape = (batch_size,) if int(np.prod(label_shape)) == 1 \
            else (batch_size,) + label_shape
        self.round_batch = flag(round_batch)
        self.provide_data = [DataDesc(data_name, self._data_shape, dtype.type)]
        self.provide_label = [DataDesc(label_name, self._label_shape, dtype.type)]
        self._pos = 0          # next row to read
        self._overflow = 0     # rows wrapped into the last batch (round_batch)
        self._done = False
        self._buf_index = np.zeros(batch_size, dtype=np.uint64)
        self._buf_data = np.zeros((batch_size, self._rows.shape[1]), dtype=dtype)
        self._buf_label = np.zeros((batch_size, self._labels.shape[1]), dtype=dtype)
        self._batch = None

    def reset(self):
        if not self.round_batch or self._overflow == 0:
            self._pos = 0
        self._overflow = 0
        self._done = False

    def iter_next(self):
        if self._done or self._overflow:
            return False
        n, b = self._rows.shape[0], self.batch_size
        take = min(b, n - self._pos)
        if take <= 0:
            self._done = True
            return False
        sel = np.arange(self._pos, self._pos + take)
        pad = b - take
        if pad and self.round_batch:
            sel = np.concatenate([sel, np.arange(pad) % n])
            self._overflow = pad
            self._pos = pad % n
        else:
            self._pos += take
        self._buf_data[:len(sel)] = self._rows[sel]
        self._buf_label[:len(sel)] = self._labels[sel]
        self._buf_index[:len(sel)] = sel
        data = array(self._buf_data.reshape(self._data_shape), dtype=self._buf_data.dtype)
        label = array(self._buf_label.reshape(self._label_shape), dtype=self._buf_label.dtype)
        self._batch = DataBatch([data], [label], pad=pad, index=self._buf_index.copy())
        return True

    def next(self):
        if not self.iter_next():
            raise StopIteration
        return self._batch

    def getdata(self):
        return self._batch.data[0]

    def getlabel(self):
        return self._batch.label[0]

    def getindex(self):
        return self._batch.index

    def getpad(self):
        return self._batch.pad
