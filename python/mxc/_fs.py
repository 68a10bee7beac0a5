"""_fs.py - remote files for mx.nd.save/load: ``s3://bucket/key`` and
``hdfs://namenode/path``, like MXNet's dmlc-core streams.

Both are optional dependencies, loaded on first use:
- S3 through fsspec + s3fs (``pip install mxc[s3]``). Credentials, region
  and endpoint come from the usual AWS settings (AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, ~/.aws/...), as botocore reads
  them.
- HDFS through pyarrow's HadoopFileSystem (``pip install mxc[hdfs]``),
  which also needs libhdfs and a Java runtime (HADOOP_HOME, JAVA_HOME,
  CLASSPATH as pyarrow documents).

A missing dependency is an MXNetError saying what to install. Files are
read whole into memory and parsed from there; writes go to a local
temporary file first and are uploaded whole, so a failed save leaves no
partial object behind.
"""
import os
import tempfile

from .base import MXNetError

__all__ = ["is_remote", "read_bytes", "write_file", "write_atomic"]

_SCHEMES = ("s3://", "hdfs://")


def _normalize(uri):
    # MXNet's overview writes 'hdfs///users/...' for the default namenode.
    if uri.startswith("hdfs///"):
        return "hdfs:///" + uri[len("hdfs///"):]
    return uri


def is_remote(uri):
    """Whether a file name is an S3 or HDFS URI."""
    return isinstance(uri, str) and (uri.startswith(_SCHEMES) or uri.startswith("hdfs///"))


def _s3():
    try:
        import fsspec  # pylint: disable=import-outside-toplevel
        import s3fs  # pylint: disable=import-outside-toplevel,unused-import
    except ImportError as e:
        raise MXNetError("s3:// files need the optional packages fsspec and s3fs "
                         "(pip install 'mxc[s3]'): %s" % e) from None
    return fsspec.filesystem("s3")


def _hdfs(uri):
    """(pyarrow HadoopFileSystem, path) for an hdfs:// URI."""
    try:
        from pyarrow import fs as pafs  # pylint: disable=import-outside-toplevel
    except ImportError as e:
        raise MXNetError("hdfs:// files need the optional package pyarrow with libhdfs "
                         "(pip install 'mxc[hdfs]', plus a Hadoop client: HADOOP_HOME, "
                         "JAVA_HOME): %s" % e) from None
    try:
        hdfs, path = pafs.FileSystem.from_uri(uri)
    except Exception as e:  # pylint: disable=broad-except
        # pyarrow lists every place it looked for libjvm: keep its first line.
        why = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise MXNetError("cannot open HDFS for '%s': %s (pyarrow's HadoopFileSystem needs "
                         "libhdfs, a Java runtime and a reachable namenode: set HADOOP_HOME, "
                         "JAVA_HOME and CLASSPATH)" % (uri, why)) from None
    return hdfs, path


def read_bytes(uri):
    """The whole content of a remote file."""
    uri = _normalize(uri)
    try:
        if uri.startswith("s3://"):
            with _s3().open(uri, "rb") as f:
                return f.read()
        hdfs, path = _hdfs(uri)
        with hdfs.open_input_stream(path) as f:
            return f.read()
    except MXNetError:
        raise
    except FileNotFoundError:
        raise MXNetError("cannot open '%s' for reading: no such object" % uri) from None
    except Exception as e:  # pylint: disable=broad-except
        raise MXNetError("cannot read '%s': %s: %s" % (uri, type(e).__name__, e)) from None


def write_file(uri, write_local):
    """Runs write_local(path) on a local temporary file, then uploads it to uri."""
    uri = _normalize(uri)
    fs = _s3() if uri.startswith("s3://") else None
    hdfs = _hdfs(uri) if fs is None else None
    fd, tmp = tempfile.mkstemp(prefix="mxc-upload-")
    os.close(fd)
    try:
        write_local(tmp)
        try:
            if fs is not None:
                fs.put_file(tmp, uri)
            else:
                hfs, path = hdfs
                with open(tmp, "rb") as src, hfs.open_output_stream(path) as dst:
                    dst.write(src.read())
        except Exception as e:  # pylint: disable=broad-except
            raise MXNetError("cannot write '%s': %s: %s" % (uri, type(e).__name__, e)) from None
    finally:
        os.unlink(tmp)


def _umask():
    """The process's umask, read without changing it where Linux says it."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path, data):
    """Writes bytes to a local path atomically: a temporary file in the same
    directory, with the mode a plain open() would give (mkstemp's is 0600),
    renamed into place, so a crash mid-save leaves the previous file."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".mxc-", dir=directory)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
