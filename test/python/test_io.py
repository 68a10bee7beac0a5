"""test_io.py - mx.nd.save/load/load_frombuffer and pickling: MXNet's
format (spec mxnet-formats.md section 1) byte for byte, files exchanged with
MXNet 1.9.1 both ways, and the error rules."""
import os
import pickle
import struct

import numpy as np
import pytest

import mxc as mx

DTYPES = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64"]


def test_worked_example_bytes(tmp_path):
    """The spec's worked example: save({'a': array([1, 2])}) is 81 bytes."""
    path = str(tmp_path / "a.bin")
    mx.nd.save(path, {'a': mx.nd.array([1, 2])})
    want = (struct.pack("<QQQ", 0x112, 0, 1) + struct.pack("<IiiqiiI", 0xF993FAC9, 0, 1, 2, 1, 0, 0)
            + struct.pack("<ff", 1, 2) + struct.pack("<QQ", 1, 1) + b"a")
    with open(path, "rb") as f:
        assert f.read() == want


def test_empty_list_is_32_bytes(tmp_path):
    path = str(tmp_path / "e.bin")
    mx.nd.save(path, [])
    assert os.path.getsize(path) == 32
    assert mx.nd.load(path) == []


@pytest.mark.parametrize("dtype", DTYPES)
def test_roundtrip_list_dict_single(tmp_path, dtype):
    a = mx.nd.array(np.arange(6).reshape(2, 3), dtype=dtype)
    b = mx.nd.array([7], dtype=dtype)
    path = str(tmp_path / "x.bin")
    mx.nd.save(path, [a, b])
    out = mx.nd.load(path)
    assert isinstance(out, list) and len(out) == 2
    assert out[0].dtype == np.dtype(dtype) and out[0].shape == (2, 3)
    np.testing.assert_array_equal(out[0].asnumpy(), a.asnumpy())
    mx.nd.save(path, {'first': a, 'second': b})
    out = mx.nd.load(path)
    assert list(out) == ['first', 'second']
    np.testing.assert_array_equal(out['second'].asnumpy(), [7])
    mx.nd.save(path, a)  # a single array saves as a one-element list
    out = mx.nd.load(path)
    assert isinstance(out, list) and len(out) == 1
    with open(path, "rb") as f:
        np.testing.assert_array_equal(mx.nd.load_frombuffer(f.read())[0].asnumpy(), a.asnumpy())


def test_save_type_and_value_errors(tmp_path):
    path = str(tmp_path / "x.bin")
    a = mx.nd.ones(2)
    with pytest.raises(TypeError, match="dict str->NDArray or list of NDArray"):
        mx.nd.save(path, {1: a})
    with pytest.raises(TypeError, match="dict str->NDArray or list of NDArray"):
        mx.nd.save(path, {'a': np.ones(2)})
    with pytest.raises(TypeError, match="dict str->NDArray or list of NDArray"):
        mx.nd.save(path, [a, 1])
    with pytest.raises(ValueError, match="data needs to either be"):
        mx.nd.save(path, (a, a))
    with pytest.raises(TypeError, match="fname"):
        mx.nd.save(3, [a])
    with pytest.raises(TypeError, match="fname"):
        mx.nd.load(None)
    with pytest.raises(TypeError, match="buf"):
        mx.nd.load_frombuffer(3)


def test_load_errors_name_the_file_and_offset(tmp_path):
    missing = str(tmp_path / "missing.bin")
    with pytest.raises(mx.MXNetError, match="missing.bin"):
        mx.nd.load(missing)
    path = str(tmp_path / "x.bin")
    mx.nd.save(path, [mx.nd.ones((3, 3))])
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:50])
    with pytest.raises(mx.MXNetError, match="(?i)truncated|corrupt"):
        mx.nd.load(path)
    with pytest.raises(mx.MXNetError, match="(?i)truncated|corrupt"):
        mx.nd.load_frombuffer(data[:50])
    with pytest.raises(mx.MXNetError, match="(?i)invalid|magic"):
        mx.nd.load_frombuffer(b"\x00" * 40)
    with pytest.raises(mx.MXNetError, match="no_such_dir"):
        mx.nd.save(str(tmp_path / "no_such_dir" / "x.bin"), [mx.nd.ones(1)])


def test_save_waits_for_pending_writes(tmp_path):
    a = mx.nd.ones((200, 200))
    for _ in range(20):
        a = a + 1
    path = str(tmp_path / "x.bin")
    mx.nd.save(path, [a])
    assert mx.nd.load(path)[0].asnumpy()[0, 0] == 21


def test_pickle_state_is_one_record():
    a = mx.nd.array([[1, 2], [3, 4]], dtype='int32')
    state = a.__getstate__()
    assert isinstance(state['handle'], bytearray)
    assert struct.unpack("<I", bytes(state['handle'][:4]))[0] == 0xF993FAC9
    for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
        b = pickle.loads(pickle.dumps(a, protocol=proto))
        assert b.dtype == np.int32
        np.testing.assert_array_equal(b.asnumpy(), a.asnumpy())
    c = pickle.loads(pickle.dumps([a, {'x': a * 2}]))
    np.testing.assert_array_equal(c[1]['x'].asnumpy(), [[2, 4], [6, 8]])


def test_files_written_by_mxnet_load_here(mxnet, tmp_path):
    arrays = {"a%d" % i: (np.arange(12).reshape(3, 4) * (i + 1)).astype(dt)
              for i, dt in enumerate(DTYPES)}
    np.savez(tmp_path / "arrays.npz", **arrays)
    for names in (None, ["w%d" % i for i in range(len(DTYPES))]):
        path = str(tmp_path / "from_mxnet.bin")
        mxnet.run("save", {"path": path, "names": names, "arrays": str(tmp_path / "arrays.npz")})
        got = mx.nd.load(path)
        if names is None:
            assert isinstance(got, list)
            values = got
        else:
            assert list(got) == names
            values = list(got.values())
        for i, v in enumerate(values):
            assert v.dtype == np.dtype(DTYPES[i])
            np.testing.assert_array_equal(v.asnumpy(), arrays["a%d" % i])


def test_files_written_here_load_in_mxnet(mxnet, tmp_path):
    values = [mx.nd.array(np.arange(6).reshape(2, 3) - i, dtype=dt) for i, dt in enumerate(DTYPES)]
    for named in (False, True):
        path = str(tmp_path / "from_mxc.bin")
        names = ["n%d" % i for i in range(len(values))] if named else None
        mx.nd.save(path, dict(zip(names, values)) if named else values)
        res = mxnet.run("load", {"path": path, "out": str(tmp_path / "back.npz")})
        assert res["names"] == names
        with np.load(tmp_path / "back.npz") as f:
            for i, v in enumerate(values):
                assert f["a%d" % i].dtype == v.dtype
                np.testing.assert_array_equal(f["a%d" % i], v.asnumpy())
