"""mxc.io (mx.io): data iterators with MXNet 1.x's names and behaviour:
DataDesc, DataBatch, DataIter, NDArrayIter, MNISTIter (IDX files, gzip
too), CSVIter, ResizeIter and PrefetchingIter."""
from .base import DataDesc, DataBatch, DataIter
from .ndarray_iter import NDArrayIter
from .wrappers import ResizeIter, PrefetchingIter
from .mnist import MNISTIter, read_idx
from .csv_iter import CSVIter

__all__ = ["DataDesc", "DataBatch", "DataIter", "NDArrayIter", "ResizeIter", "PrefetchingIter",
           "MNISTIter", "CSVIter", "read_idx"]
