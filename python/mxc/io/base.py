"""base.py - what every data iterator shares: DataDesc, DataBatch and the
DataIter protocol (MXNet 1.x's ``mxnet.io``).

A DataIter yields DataBatch objects until StopIteration; ``reset()`` starts
the next pass. ``provide_data`` / ``provide_label`` describe one batch as
DataDesc (name, shape, dtype, layout); Module binds from them.
"""
import warnings
from collections import namedtuple

import numpy as np

from ..base import MXNetError

__all__ = ["DataDesc", "DataBatch", "DataIter"]


class DataDesc(namedtuple('DataDesc', ['name', 'shape'])):
    """The name, shape, dtype and layout of one data or label input.

    ``layout`` says how the axes are read ("NCHW": N is the batch axis);
    data parallelism splits and merges along the axis of 'N'.
    """

    def __new__(cls, name, shape, dtype=np.float32, layout='NCHW'):
        ret = super(DataDesc, cls).__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self):
        return "DataDesc[%s,%s,%s,%s]" % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout):
        """The batch axis of `layout` (the position of 'N'; 0 when layout is
        None; -1 when there is no batch axis: the array is copied whole to
        every device)."""
        if layout is None:
            return 0
        return layout.find('N')

    @staticmethod
    def get_list(shapes, types):
        """DataDescs from [(name, shape)] and optionally [(name, dtype)]."""
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch(object):
    """One batch: ``data`` and ``label`` (lists of NDArray), ``pad`` (how
    many examples at the end only fill the batch), ``index`` (the examples'
    indices), ``bucket_key``, ``provide_data``/``provide_label``."""

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        if data is not None and not isinstance(data, (list, tuple)):
            raise TypeError("Data must be list of NDArrays")
        if label is not None and not isinstance(label, (list, tuple)):
            raise TypeError("Label must be list of NDArrays")
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self):
        data_shapes = [d.shape for d in self.data]
        label_shapes = [l.shape for l in self.label] if self.label else None
        return "{}: data shapes: {} label shapes: {}".format(
            self.__class__.__name__, data_shapes, label_shapes)


class DataIter(object):
    """The base class of data iterators: ``next()`` returns a DataBatch
    built from getdata/getlabel/getpad/getindex after iter_next()."""

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        """Starts the next pass over the data."""

    def next(self):
        """The next DataBatch; StopIteration at the end of the data."""
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(),
                             pad=self.getpad(), index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        """Moves to the next batch; False at the end."""
        return False

    def getdata(self):
        """The data of the current batch."""
        return None

    def getlabel(self):
        """The label of the current batch."""
        return None

    def getindex(self):
        """The indices of the current batch's examples (or None)."""
        return None

    def getpad(self):
        """How many examples at the end of the batch are padding."""
        return 0


def flag(value):
    """A boolean argument of a native-style iterator ('1', 'true', True...)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true")
    return bool(value)


def check_iter_args(name, args, kwargs, ignored, batch_size):
    """The checks MXNet's C++ iterators (MNISTIter, CSVIter) make on their
    arguments: keyword arguments only, a positive batch_size; unknown
    keywords are ignored with a warning (MXNet ignores them silently), the
    `ignored` ones (prefetcher options) silently. Returns batch_size."""
    if args:
        raise TypeError("%s can only accept keyword arguments" % name)
    unknown = sorted(k for k in kwargs if k not in ignored)
    if unknown:
        warnings.warn("%s ignores unknown arguments: %s" % (name, ", ".join(unknown)),
                      stacklevel=3)
    if batch_size is None:
        raise MXNetError("%s: required parameter batch_size is missing" % name)
    batch_size = int(batch_size)
    if batch_size < 1:
        raise MXNetError("%s: batch_size must be at least 1, got %d" % (name, batch_size))
    return batch_size
