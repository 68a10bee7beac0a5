"""utils.py - mx.nd.save, mx.nd.load and mx.nd.load_frombuffer: MXNet's
NDArray file format (spec: mxnet-formats.md 1), local paths or s3:// and
hdfs:// URIs (see mxc/_fs.py).

A single NDArray or a list saves as a list (no names); a dict str->NDArray
saves names in iteration order. load returns a list when the file has no
names, else a dict. Type errors follow MXNet: non-str keys or non-NDArray
values are TypeError, anything else ValueError.
"""
import os

from .. import _mxc, _fs
from ..base import string_types
from .ndarray import NDArray

__all__ = ["save", "load", "load_frombuffer"]


def _split(data):
    """(arrays, names or None) from what save accepts."""
    if isinstance(data, NDArray):
        return [data], None
    if isinstance(data, dict):
        if any(not isinstance(k, string_types) for k in data.keys()) or \
                any(not isinstance(v, NDArray) for v in data.values()):
            raise TypeError('save only accept dict str->NDArray or list of NDArray')
        return list(data.values()), list(data.keys())
    if isinstance(data, list):
        if any(not isinstance(v, NDArray) for v in data):
            raise TypeError('save only accept dict str->NDArray or list of NDArray')
        return data, None
    raise ValueError("data needs to either be a NDArray, dict of str, NDArray pairs "
                     "or a list of NDarrays.")


def _result(arrays, names):
    if not names:
        return arrays
    return dict(zip(names, arrays))


def save(fname, data):
    """Saves a list of NDArrays or a dict of str->NDArray to fname (a path,
    s3://bucket/key or hdfs://host/path); waits for pending writes first."""
    if not isinstance(fname, string_types):
        raise TypeError('fname required to be a string')
    arrays, names = _split(data)
    if _fs.is_remote(fname):
        _fs.write_file(fname, lambda path: _mxc.save(path, arrays, names))
    else:
        _mxc.save(os.fspath(fname), arrays, names)


def load(fname):
    """Loads a file written by save (or by MXNet): a list, or a dict when the
    file has names."""
    if not isinstance(fname, string_types):
        raise TypeError('fname required to be a string')
    if _fs.is_remote(fname):
        return load_frombuffer(_fs.read_bytes(fname))
    return _result(*_mxc.load(fname))


def load_frombuffer(buf):
    """load for a file's content held in memory (bytes, bytearray or str)."""
    if isinstance(buf, str):
        buf = buf.encode('latin-1')
    elif isinstance(buf, (bytearray, memoryview)):
        buf = bytes(buf)
    elif not isinstance(buf, bytes):
        raise TypeError('buf required to be a string or bytes')
    return _result(*_mxc.load_frombuffer(buf))
