"""base.py - what every part of mxc shares: the native layer, MXNetError,
MXNet's `_Null` default and the numeric types an operator accepts as scalars.

Errors from the runtime arrive as ``MXNetError`` with the runtime's message,
which names the operator, the argument and the expected versus actual shape,
dtype or device.
"""
import numpy as _np

from . import _mxc

__all__ = ["MXNetError", "NotSupportedForSparseNDArray", "numeric_types", "integer_types",
           "string_types"]


class MXNetError(RuntimeError, ValueError):
    """Error raised by mxc's runtime (MXNet's ``mxnet.base.MXNetError``).

    It derives from both RuntimeError (as in MXNet) and ValueError, so code
    written for MXNet that catches either keeps working.
    """


class NotSupportedForSparseNDArray(MXNetError):
    """An NDArray method that sparse arrays do not support (MXNet's name)."""


_mxc._set_error_class(MXNetError)


class _NullType(object):
    """Placeholder for arguments the caller left out (MXNet's ``_Null``)."""

    def __repr__(self):
        return "_Null"


_Null = _NullType()

numeric_types = (float, int, _np.generic)
integer_types = (int, _np.integer)
string_types = (str,)


def py_str(x):
    """bytes to str (MXNet's helper)."""
    return x.decode("utf-8") if isinstance(x, bytes) else x
