#!/opt/mxnet-venv/bin/python
"""make_reference.py - NDArray files written by real MXNet 1.9.1, for the loader tests.

Run with MXNet's interpreter (it rewrites every file here):
    /opt/mxnet-venv/bin/python test/data/ndarray/make_reference.py

Writes, next to this script:
  list_<dtype>.nd   mx.nd.save of a list of arrays of ranks 1..5 (legacy shapes, V2 records)
  np_<dtype>.nd     the same under numpy-shape semantics (V3 records): ranks 0..5 and a
                    zero-size array
  dict.params       mx.nd.save of a dict (names with 'arg:'/'aux:' prefixes, UTF-8, empty)
  empty.nd          mx.nd.save of an empty list (32 bytes)
  pickle_<dtype>.raw  NDArray.__getstate__()['handle']: one record without the file header
  expected/*.npy    the values each array was made from, as NumPy wrote them (bfloat16 as
                    its uint16 bit patterns)
  manifest.tsv      file, kind (list/dict/raw), index, name (hex of its UTF-8), dtype, sidecar

for every dtype MXNet 1.9 can create and save: float32 float64 float16 uint8 int32 int8
int64 bool bfloat16 (int16, uint16, uint32 and uint64 have codes but MXNet refuses to make
arrays of them). Values are deterministic and include each type's extremes and, for floats,
NaN, +-inf, -0.0 and subnormals, so that a byte-exact comparison means something.
"""
import os
import shutil

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = ['float32', 'float64', 'float16', 'uint8', 'int32', 'int8', 'int64', 'bool',
          'bfloat16']
LEGACY_SHAPES = [(5,), (2, 3), (2, 1, 3), (1, 2, 2, 2), (2, 1, 2, 1, 3)]
NP_SHAPES = [(), (4,), (3, 2), (2, 1, 2), (1, 2, 1, 2), (2, 1, 1, 2, 2), (2, 0, 3)]
BF16 = np.dtype([('bfloat16', np.uint16)])  # how MXNet's Python spells bfloat16


def values(dtype, shape, seed):
    """Deterministic values of `shape`; bfloat16 comes back as exactly representable float32."""
    rng = np.random.RandomState(seed)
    n = int(np.prod(shape))
    if dtype == 'bool':
        return rng.randint(0, 2, size=shape).astype(np.bool_)
    if dtype in ('float32', 'float64', 'float16', 'bfloat16'):
        base = np.float32 if dtype == 'bfloat16' else np.dtype(dtype).type
        v = (rng.standard_normal(n) * 100).astype(base)
        fi = np.finfo(np.float32 if dtype == 'bfloat16' else base)
        special = [np.nan, np.inf, -np.inf, -0.0, fi.max, fi.tiny, fi.tiny / 4, fi.min]
        v[:min(n, len(special))] = np.array(special[:n], dtype=base)
        if dtype == 'bfloat16':  # keep the upper 16 bits only: exact in bfloat16
            v = (v.view(np.uint32) & np.uint32(0xFFFF0000)).view(np.float32)
        return v.reshape(shape)
    info = np.iinfo(dtype)
    v = rng.randint(info.min, int(info.max) + 1, size=n, dtype=np.int64 if info.min < 0 else
                    np.uint64).astype(dtype)
    v[:min(n, 3)] = np.array([info.min, info.max, 0][:n], dtype=dtype)
    return v.reshape(shape)


def to_mx(v, dtype, np_shape):
    if np_shape:
        if dtype == 'bfloat16':
            return mx.np.array(v, dtype='float32').as_nd_ndarray().astype(BF16)
        return mx.np.array(v, dtype=dtype).as_nd_ndarray()
    if dtype == 'bfloat16':
        return mx.nd.array(v, dtype='float32').astype(BF16)
    return mx.nd.array(v, dtype=dtype)


def sidecar(v, dtype, stem):
    if dtype == 'bfloat16':
        v = (np.array(v, dtype=np.float32).view(np.uint32) >> 16).astype('<u2')
    path = os.path.join('expected', stem + '.npy')
    np.save(os.path.join(HERE, path), np.array(v, order='C'))  # 0-d stays 0-d
    return path


def main():
    for name in os.listdir(HERE):
        if name.endswith(('.nd', '.params', '.raw', '.tsv')):
            os.remove(os.path.join(HERE, name))
    shutil.rmtree(os.path.join(HERE, 'expected'), ignore_errors=True)
    os.makedirs(os.path.join(HERE, 'expected'))
    rows = []

    def row(fname, kind, index, name, dtype, npy):
        rows.append('\t'.join([fname, kind, str(index), name.encode('utf-8').hex(), dtype, npy]))

    for di, dtype in enumerate(DTYPES):
        for np_shape, shapes, prefix in [(False, LEGACY_SHAPES, 'list'), (True, NP_SHAPES, 'np')]:
            fname = '%s_%s.nd' % (prefix, dtype)
            vals = [values(dtype, s, 1000 * di + 10 * j + np_shape) for j, s in enumerate(shapes)]
            with mx.util.np_shape(np_shape):
                mx.nd.save(os.path.join(HERE, fname), [to_mx(v, dtype, np_shape) for v in vals])
            for j, v in enumerate(vals):
                row(fname, 'list', j, '', dtype, sidecar(v, dtype, '%s.%d' % (fname, j)))
        # pickled state of a 2-D array
        v = values(dtype, (3, 2), 7 + di)
        raw = to_mx(v, dtype, False).__getstate__()['handle']
        fname = 'pickle_%s.raw' % dtype
        with open(os.path.join(HERE, fname), 'wb') as f:
            f.write(bytes(raw))
        row(fname, 'raw', 0, '', dtype, sidecar(v, dtype, fname + '.0'))

    named = [('arg:fc1_weight', 'float32', (4, 3)), ('arg:fc1_bias', 'float32', (4,)),
             ('aux:bn_moving_mean', 'float16', (3,)), ('\u00fcn\u00efc\u00f6de \u540d', 'int64', (2, 2)),
             ('', 'uint8', (1,))]
    arrays = {}
    for i, (name, dtype, shape) in enumerate(named):
        v = values(dtype, shape, 500 + i)
        arrays[name] = to_mx(v, dtype, False)
        row('dict.params', 'dict', i, name, dtype, sidecar(v, dtype, 'dict.params.%d' % i))
    mx.nd.save(os.path.join(HERE, 'dict.params'), arrays)  # dicts keep insertion order

    mx.nd.save(os.path.join(HERE, 'empty.nd'), [])
    row('empty.nd', 'list', -1, '', '-', '-')

    with open(os.path.join(HERE, 'manifest.tsv'), 'w') as f:
        f.write('# file\tkind\tindex\tname_hex\tdtype\tnpy   (made by make_reference.py, MXNet %s)\n'
                % mx.__version__)
        f.write('\n'.join(rows) + '\n')


def check():
    """MXNet reads every file back to exactly its sidecar's bytes."""
    for line in open(os.path.join(HERE, 'manifest.tsv')):
        if line.startswith('#'):
            continue
        fname, kind, index, name_hex, dtype, npy = line.rstrip('\n').split('\t')
        if npy == '-':
            continue
        path = os.path.join(HERE, fname)
        with mx.util.np_shape(fname.startswith('np_')):
            if kind == 'raw':
                a = mx.nd.NDArray(mx.nd.ndarray._new_empty_handle())
                a.__setstate__({'handle': bytearray(open(path, 'rb').read())})
            else:
                loaded = mx.nd.load(path)
                a = loaded[int(index)] if kind == 'list' else loaded[bytes.fromhex(name_hex).decode()]
            got = a.asnumpy()
        if dtype == 'bfloat16':
            got = got.view('<u2')
        want = np.load(os.path.join(HERE, npy))
        assert got.shape == want.shape and got.tobytes() == want.tobytes(), (fname, index)


if __name__ == '__main__':
    main()
    check()
