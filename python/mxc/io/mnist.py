"""mnist.py - MNISTIter: MNIST-format (IDX) image and label files in
batches, as MXNet 1.x's ``mx.io.MNISTIter`` (src/io/iter_mnist.cc), plus
``read_idx``, the IDX reader it uses.

IDX: a big-endian header (two zero bytes, a type code, the number of
dimensions, one uint32 per dimension), then the values row-major. Images
are ``0x08`` (ubyte) with 3 dimensions, labels ``0x08`` with 1. Files may
be gzip-compressed (recognized by their magic bytes, whatever the name),
like Debian's /usr/share/datasets/fashion-mnist/*-ubyte.gz.

MXNet's behaviour kept: pixels scaled by 1/256 into float32, data batches
(batch, 1, rows, cols) or (batch, rows*cols) with ``flat``, float32 labels
(batch,); the incomplete last batch is dropped; ``shuffle`` permutes the
examples once, at construction, with ``seed`` (so every epoch has the same
order, as in MXNet; the permutation itself differs from MXNet's
std::shuffle); ``num_parts``/``part_index`` read the part
[count*i/n, count*(i+1)/n). Batches are views of one NDArray holding the
whole set: no copy per batch. Bad files raise MXNetError naming the file
and what is wrong with it (missing, not IDX, truncated, counts differ).
"""
import gzip
import logging
import os
import struct
import zlib

import numpy as np

from ..base import MXNetError
from ..ndarray import from_numpy
from .base import DataDesc, DataBatch, DataIter, check_iter_args, flag

__all__ = ["MNISTIter", "read_idx"]

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype('>i2'), 0x0C: np.dtype('>i4'),
              0x0D: np.dtype('>f4'), 0x0E: np.dtype('>f8')}


def _read_bytes(path, what):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise MXNetError("%s: cannot open '%s': %s" % (what, path, e.strerror)) from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except EOFError:
            raise MXNetError("%s: '%s' is truncated: its gzip stream ends early"
                             % (what, path)) from None
        except (OSError, zlib.error) as e:
            raise MXNetError("%s: '%s' is not a valid gzip file: %s" % (what, path, e)) from None
    return raw


def read_idx(path, what="read_idx"):
    """The array an IDX file (plain or gzip) holds, with its dtype and shape."""
    raw = _read_bytes(path, what)
    if len(raw) < 4:
        raise MXNetError("%s: '%s' is truncated: %d bytes, an IDX header needs at least 4"
                         % (what, path, len(raw)))
    zero, type_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or type_code not in _IDX_TYPES or ndim == 0:
        raise MXNetError("%s: '%s' is not an IDX file: magic number 0x%08x at byte 0 (expected "
                         "0x000008dd for ubyte data with dd dimensions)"
                         % (what, path, struct.unpack(">I", raw[:4])[0]))
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MXNetError("%s: '%s' is truncated: %d bytes, its %d-dimensional IDX header "
                         "needs %d" % (what, path, len(raw), ndim, header))
    shape = struct.unpack(">%dI" % ndim, raw[4:header])
    dtype = np.dtype(_IDX_TYPES[type_code])
    want = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) < want:
        raise MXNetError("%s: '%s' is truncated: its header says shape %s (%d bytes), the file "
                         "has %d bytes" % (what, path, "x".join(map(str, shape)), want,
                                           len(raw)))
    if len(raw) > want:
        raise MXNetError("%s: '%s' has %d bytes after the data its header describes (shape %s "
                         "ends at byte %d)" % (what, path, len(raw) - want,
                                               "x".join(map(str, shape)), want))
    return np.frombuffer(raw, dtype=dtype, count=want - header, offset=header).reshape(shape)


def _part(count, num_parts, part_index):
    if num_parts <= 0 or not 0 <= part_index < num_parts:
        raise MXNetError("MNISTIter: part_index must be in [0, num_parts), got part_index=%d, "
                         "num_parts=%d" % (part_index, num_parts))
    return (int(float(count) / num_parts * part_index),
            int(float(count) / num_parts * (part_index + 1)))


class MNISTIter(DataIter):
    """Iterates over MNIST-format image and label files.

    Keyword arguments (MXNet's names and defaults): image
    ('./train-images-idx3-ubyte'), label ('./train-labels-idx1-ubyte'),
    batch_size (128), shuffle (True), flat (False), seed (0), silent
    (False), num_parts (1), part_index (0), data_name ('data'), label_name
    ('softmax_label'). MXNet's prefetcher options (prefetch_buffer, ctx,
    dtype) are accepted and have no effect.
    """

    _PREFETCHER = ("prefetch_buffer", "ctx", "dtype")

    def __init__(self, *args, image="./train-images-idx3-ubyte",
                 label="./train-labels-idx1-ubyte", batch_size=128, shuffle=True, flat=False,
                 seed=0, silent=False, num_parts=1, part_index=0, data_name='data',
                 label_name='softmax_label', **kwargs):
        batch_size = check_iter_args("MNISTIter", args, kwargs, self._PREFETCHER, batch_size)
        super(MNISTIter, self).__init__(batch_size)
        images = read_idx(image, "MNISTIter")
        labels = read_idx(label, "MNISTIter")
        if images.ndim != 3 or images.dtype != np.uint8:
            raise MXNetError("MNISTIter: image file '%s' holds %s %s, expected ubyte images "
                             "(count x rows x cols)" % (image, "x".join(map(str, images.shape)),
                                                        images.dtype))
        if labels.ndim != 1 or labels.dtype != np.uint8:
            raise MXNetError("MNISTIter: label file '%s' holds %s %s, expected ubyte labels "
                             "(count)" % (label, "x".join(map(str, labels.shape)), labels.dtype))
        if images.shape[0] != labels.shape[0]:
            raise MXNetError("MNISTIter: image file '%s' has %d images but label file '%s' has "
                             "%d labels" % (image, images.shape[0], label, labels.shape[0]))
        start, end = _part(images.shape[0], int(num_parts), int(part_index))
        images, labels = images[start:end], labels[start:end]
        order = np.arange(end - start)
        self.shuffle = flag(shuffle)
        if self.shuffle:
            order = np.random.RandomState(int(seed)).permutation(end - start)
        self._order = order + start
        rows, cols = images.shape[1:]
        shape = (rows * cols,) if flag(flat) else (1, rows, cols)
        # One pass from the permuted bytes to float32; the NDArrays then use
        # that memory (no copy): 60000 images load in well under a second.
        data = np.multiply(np.take(images, order, axis=0), np.float32(1.0 / 256),
                           dtype=np.float32)
        self._data = from_numpy(data.reshape((-1,) + shape))
        self._label = from_numpy(labels[order].astype(np.float32))
        self._loc = -batch_size
        self.provide_data = [DataDesc(data_name, (batch_size,) + shape, np.float32)]
        self.provide_label = [DataDesc(label_name, (batch_size,), np.float32)]
        if not flag(silent):
            logging.info("MNISTIter: load %d images, shuffle=%d, shape=[%s]", end - start,
                         self.shuffle, ",".join(str(d) for d in (batch_size,) + shape))

    @property
    def num_data(self):
        """The number of examples this iterator (its part) reads."""
        return self._data.shape[0]

    def reset(self):
        self._loc = -self.batch_size

    def iter_next(self):
        if self._loc + 2 * self.batch_size > self.num_data:
            return False
        self._loc += self.batch_size
        return True

    def next(self):
        if not self.iter_next():
            raise StopIteration
        return DataBatch(data=[self.getdata()], label=[self.getlabel()], pad=0,
                         index=self.getindex())

    def getdata(self):
        return self._data[self._loc:self._loc + self.batch_size]

    def getlabel(self):
        return self._label[self._loc:self._loc + self.batch_size]

    def getindex(self):
        """The examples' indices in the files (MXNet returns zeros here)."""
        return self._order[self._loc:self._loc + self.batch_size].astype(np.uint64)

    def getpad(self):
        return 0
