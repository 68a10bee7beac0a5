"""interop.py - sharing memory with NumPy, PyTorch and other DLPack
libraries: mx.nd.from_numpy, from_dlpack, to_dlpack_for_read/write.

Exports wait for the array (pending writes, or every pending access for
writing) and share its memory; imports wrap the producer's memory without a
copy, and the runtime keeps it alive until the last NDArray on it is gone
and every op on it has run. NDArray itself implements the protocol
(__dlpack__, __dlpack_device__), so numpy.from_dlpack(x) and
torch.from_dlpack(x) work on it.
"""
import numpy as np

from .. import _mxc
from ..base import MXNetError

__all__ = ["from_numpy", "from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write"]


def to_dlpack_for_read(data):
    """A DLPack capsule to read data once its pending writes are done."""
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data):
    """A DLPack capsule to write data once every pending access is done."""
    return data.to_dlpack_for_write()


def from_dlpack(dlpack):
    """An NDArray sharing the memory of a DLPack capsule, or of any object
    with __dlpack__ (a NumPy array, a torch tensor). A capsule is consumed."""
    if hasattr(dlpack, "__dlpack__"):
        dlpack = dlpack.__dlpack__()
    return _mxc.from_dlpack(dlpack)


def from_numpy(ndarray, zero_copy=True):
    """An NDArray of a NumPy array's data.

    With zero_copy (MXNet's default) the NDArray uses the NumPy array's
    memory, which must be C-contiguous; the NumPy array is made read-only,
    as in MXNet (writing it while the NDArray is in use would race with the
    engine). Otherwise the data are copied.
    """
    from .creation import array
    if not isinstance(ndarray, np.ndarray):
        raise TypeError("from_numpy: expected a numpy.ndarray, got %s" % type(ndarray).__name__)
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags['C_CONTIGUOUS']:
        raise ValueError("Only c-contiguous arrays are supported for zero-copy")
    try:
        capsule = ndarray.__dlpack__()
    except (BufferError, TypeError) as e:
        raise MXNetError("from_numpy: NumPy cannot share this array (%s); use "
                         "zero_copy=False" % e) from None
    out = _mxc.from_dlpack(capsule)
    ndarray.flags['WRITEABLE'] = False
    return out
