"""test_fs.py - remote file names in mx.nd.save/load when the optional
packages are missing: a clear MXNetError saying what to install. (S3 itself
is tested against a server in test_s3.py; no HDFS can be installed here.)"""
import sys

import pytest

import mxc as mx
from mxc import _fs


def test_remote_names():
    assert _fs.is_remote("s3://b/k") and _fs.is_remote("hdfs://nn:8020/p")
    assert _fs.is_remote("hdfs///users/x")  # the overview's spelling
    assert not _fs.is_remote("/tmp/x.bin") and not _fs.is_remote("s3.bin")


def test_missing_s3_packages_are_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "s3fs", None)  # import s3fs fails
    with pytest.raises(mx.MXNetError, match=r"s3://.*fsspec and s3fs.*mxc\[s3\]"):
        mx.nd.save("s3://bucket/x.bin", [mx.nd.ones(1)])
    with pytest.raises(mx.MXNetError, match=r"fsspec and s3fs"):
        mx.nd.load("s3://bucket/x.bin")


def test_missing_pyarrow_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.fs", None)
    with pytest.raises(mx.MXNetError, match=r"hdfs://.*pyarrow with libhdfs.*mxc\[hdfs\]"):
        mx.nd.save("hdfs://namenode/x.bin", [mx.nd.ones(1)])
    with pytest.raises(mx.MXNetError, match=r"pyarrow"):
        mx.nd.load("hdfs:///x.bin")


def test_missing_libhdfs_is_named():
    pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    with pytest.raises(mx.MXNetError, match=r"cannot open HDFS.*HADOOP_HOME"):
        mx.nd.load("hdfs://localhost:1/x.bin")
