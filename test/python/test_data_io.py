"""test_data_io.py - mx.io's data iterators: batch counts, padding and
roll-over as MXNet 1.9.1 documents them, the same batches as MXNet 1.9.1 for
the same inputs (NDArrayIter with the same NumPy seed, CSVIter, MNISTIter on
IDX files), the real Fashion-MNIST files, prefetching that overlaps, and
errors naming the file and the problem."""
import gzip
import os
import struct
import threading
import time

import numpy as np
import pytest

import mxc as mx
from diff_runner import run_here, run_mxnet, assert_same

FASHION = "/usr/share/datasets/fashion-mnist"


def batches(it, epochs=1):
    """[(data arrays, label arrays, pad)] over `epochs` epochs (reset between)."""
    out = []
    for _ in range(epochs):
        for b in it:
            out.append(([d.asnumpy() for d in b.data],
                        [l.asnumpy() for l in (b.label or [])], b.pad))
        it.reset()
    return out


# ---- DataDesc, DataBatch ---------------------------------------------------------
def test_data_desc():
    d = mx.io.DataDesc('data', (4, 3, 2))
    assert d.name == 'data' and d.shape == (4, 3, 2) and d.dtype is np.float32
    assert d.layout == 'NCHW' and tuple(d) == ('data', (4, 3, 2))
    assert repr(d) == "DataDesc[data,(4, 3, 2),<class 'numpy.float32'>,NCHW]"
    assert mx.io.DataDesc.get_batch_axis('TNC') == 1
    assert mx.io.DataDesc.get_batch_axis(None) == 0
    descs = mx.io.DataDesc.get_list([('a', (1,)), ('b', (2,))], [('a', np.int32), ('b', 'f')])
    assert [x.dtype for x in descs] == [np.int32, 'f']
    with pytest.raises(TypeError):
        mx.io.DataBatch(mx.nd.ones((2,)))
    assert str(mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.ones((2,))])) == \
        "DataBatch: data shapes: [(2, 3)] label shapes: [(2,)]"


# ---- NDArrayIter -----------------------------------------------------------------
@pytest.mark.parametrize("handle,batch,want", [
    ("pad", 3, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 1]]),
    ("pad", 4, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 0, 1]]),
    ("discard", 3, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]),
    ("pad", 25, [list(range(10)) * 2 + list(range(5))]),
])
def test_ndarray_iter_last_batch(handle, batch, want):
    it = mx.io.NDArrayIter(np.arange(10), np.arange(10) * 10, batch, last_batch_handle=handle)
    got = batches(it)
    assert [g[0][0].tolist() for g in got] == want
    assert [g[1][0].tolist() for g in got] == [[10 * v for v in w] for w in want]
    pads = [g[2] for g in got]
    assert pads[:-1] == [0] * (len(want) - 1)
    assert pads[-1] == (sum(len(w) for w in want) - 10 if handle == "pad" else 0)


def test_ndarray_iter_roll_over():
    """MXNet's docstring: 10 examples, batch 3: 3 batches, then the leftover
    example opens the next epoch (pad = -cursor)."""
    it = mx.io.NDArrayIter(np.arange(10), np.arange(10), 3, last_batch_handle='roll_over')
    first = [b.data[0].asnumpy().tolist() for b in it]
    assert first == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    it.reset()
    b = it.next()
    assert b.data[0].asnumpy().tolist() == [9, 0, 1] and b.label[0].asnumpy().tolist() == [9, 0, 1]
    rest = [b.data[0].asnumpy().tolist() for b in it]
    assert rest == [[2, 3, 4], [5, 6, 7]]
    it.hard_reset()
    assert it.next().data[0].asnumpy().tolist() == [0, 1, 2]


def test_ndarray_iter_inputs_and_descs():
    data = {'b': np.zeros((10, 2, 2)), 'a': mx.nd.ones((10, 3), dtype='float64')}
    it = mx.io.NDArrayIter(data, {'lab': np.zeros((10, 1))}, 4)
    assert [d.name for d in it.provide_data] == ['a', 'b']  # sorted by name
    assert it.provide_data[0].shape == (4, 3) and it.provide_data[0].dtype == np.float64
    assert it.provide_data[1].dtype == np.float32  # NumPy float64 arrives as float32
    assert it.provide_label[0].shape == (4, 1)
    multi = mx.io.NDArrayIter([np.zeros((6, 2)), np.ones((6, 2))], batch_size=3)
    assert [d.name for d in multi.provide_data] == ['_0_data', '_1_data']
    assert multi.provide_label == []
    tnc = mx.io.NDArrayIter(np.arange(24).reshape(2, 6, 2), batch_size=3, layout='TNC')
    assert tnc.provide_data[0].shape == (2, 3, 2)
    got = batches(tnc)
    assert len(got) == 2 and got[1][0][0].tolist() == np.arange(24).reshape(2, 6, 2)[:, 3:].tolist()


def test_ndarray_iter_shuffle_is_a_permutation():
    np.random.seed(3)
    it = mx.io.NDArrayIter(np.arange(20), np.arange(20), 5, shuffle=True)
    for _ in range(2):
        got = batches(it)
        values = np.concatenate([g[0][0] for g in got])
        assert sorted(values.tolist()) == list(range(20)) and values.tolist() != list(range(20))
        np.testing.assert_array_equal(values, np.concatenate([g[1][0] for g in got]))


def test_ndarray_iter_errors():
    with pytest.raises(mx.MXNetError, match="'data' has 10, 'softmax_label' has 9"):
        mx.io.NDArrayIter(np.zeros((10, 2)), np.zeros(9), 2)
    with pytest.raises(ValueError, match="last_batch_handle"):
        mx.io.NDArrayIter(np.zeros((10, 2)), batch_size=2, last_batch_handle='wrap')
    with pytest.raises(TypeError):
        mx.io.NDArrayIter({'data': object()}, batch_size=2)


NDARRAY_ITER_CODE = """
np.random.seed(7)
data = np.arange(46, dtype=np.float32).reshape(23, 2)
label = np.arange(23, dtype=np.float32)
for handle in ['pad', 'discard', 'roll_over']:
    for shuffle in [False, True]:
        it = mx.io.NDArrayIter(data, label, 5, shuffle=shuffle, last_batch_handle=handle)
        i = 0
        for epoch in range(3):
            for b in it:
                key = '%s_%d_%d' % (handle, shuffle, i)
                out[key + '_d'] = b.data[0].asnumpy()
                out[key + '_l'] = b.label[0].asnumpy()
                out[key + '_pad'] = b.pad
                i += 1
            it.reset()
        out['%s_%d_n' % (handle, shuffle)] = i
"""


def test_ndarray_iter_matches_mxnet(mxnet, tmp_path):
    ours = run_here(NDARRAY_ITER_CODE, mx, tmp_path)
    theirs = run_mxnet(NDARRAY_ITER_CODE, tmp_path)
    assert_same(ours, theirs)


# ---- MNISTIter -------------------------------------------------------------------
def write_idx(path, array, compress=False):
    header = struct.pack(">HBB", 0, 8, array.ndim) + struct.pack(">%dI" % array.ndim,
                                                                  *array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    with open(path, "wb") as f:
        f.write(gzip.compress(raw) if compress else raw)
    return str(path)


@pytest.fixture
def idx_files(tmp_path):
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(50, 4, 3))
    labels = rng.randint(0, 10, size=50)
    return {"images": images, "labels": labels,
            "img": write_idx(tmp_path / "img-idx3-ubyte", images),
            "lab": write_idx(tmp_path / "lab-idx1-ubyte", labels),
            "img_gz": write_idx(tmp_path / "img-idx3-ubyte.gz", images, True),
            "lab_gz": write_idx(tmp_path / "lab.bin", labels, True)}


def test_mnist_iter_reads_idx(idx_files):
    for img, lab in (("img", "lab"), ("img_gz", "lab_gz")):
        it = mx.io.MNISTIter(image=idx_files[img], label=idx_files[lab], batch_size=8,
                             shuffle=False, silent=True)
        assert it.provide_data[0].shape == (8, 1, 4, 3)
        assert it.provide_label[0] == ('softmax_label', (8,))
        got = batches(it, epochs=2)
        assert len(got) == 12  # 50 // 8 per epoch: the incomplete last batch is dropped
        data = np.concatenate([g[0][0] for g in got[:6]])
        np.testing.assert_array_equal(data[:, 0], idx_files["images"][:48] / np.float32(256))
        np.testing.assert_array_equal(np.concatenate([g[1][0] for g in got[:6]]),
                                      idx_files["labels"][:48])
        np.testing.assert_array_equal(got[0][0][0], got[6][0][0])


def test_mnist_iter_flat_shuffle_parts(idx_files):
    flat = mx.io.MNISTIter(image=idx_files["img"], label=idx_files["lab"], batch_size=10,
                           flat=True, seed=3, silent=True)
    assert flat.provide_data[0].shape == (10, 12)
    b = flat.next()
    idx = b.index.astype(np.int64)
    assert sorted(set(idx.tolist())) != list(range(10))  # shuffled
    np.testing.assert_array_equal(b.data[0].asnumpy(),
                                  idx_files["images"][idx].reshape(10, 12) / np.float32(256))
    np.testing.assert_array_equal(b.label[0].asnumpy(), idx_files["labels"][idx])
    again = mx.io.MNISTIter(image=idx_files["img"], label=idx_files["lab"], batch_size=10,
                            flat=True, seed=3, silent=True)
    np.testing.assert_array_equal(again.next().index, b.index)
    part = mx.io.MNISTIter(image=idx_files["img"], label=idx_files["lab"], batch_size=4,
                           shuffle=False, num_parts=3, part_index=1, silent=True)
    assert part.num_data == 17  # [int(50/3*1), int(50/3*2)) = [16, 33)
    np.testing.assert_array_equal(part.next().label[0].asnumpy(), idx_files["labels"][16:20])


def test_mnist_iter_errors(idx_files, tmp_path):
    img, lab = idx_files["img"], idx_files["lab"]
    with pytest.raises(mx.MXNetError, match="cannot open '.*nope': No such file"):
        mx.io.MNISTIter(image=str(tmp_path / "nope"), label=lab)
    raw = open(img, "rb").read()
    short = tmp_path / "short-idx3-ubyte"
    short.write_bytes(raw[:300])
    with pytest.raises(mx.MXNetError, match=r"'.*short-idx3-ubyte' is truncated: its header "
                                            r"says shape 50x4x3 \(616 bytes\), the file has 300"):
        mx.io.MNISTIter(image=str(short), label=lab)
    short_gz = tmp_path / "short.gz"
    short_gz.write_bytes(open(idx_files["img_gz"], "rb").read()[:40])
    with pytest.raises(mx.MXNetError, match="short.gz' is truncated: its gzip stream ends early"):
        mx.io.MNISTIter(image=str(short_gz), label=lab)
    with pytest.raises(mx.MXNetError, match="is not an IDX file: magic number 0x12345678"):
        bad = tmp_path / "bad"
        bad.write_bytes(struct.pack(">I", 0x12345678) + b"\0" * 16)
        mx.io.MNISTIter(image=str(bad), label=lab)
    fewer = write_idx(tmp_path / "few-idx1-ubyte", idx_files["labels"][:40])
    with pytest.raises(mx.MXNetError, match="has 50 images but label file '.*few-idx1-ubyte' "
                                            "has 40 labels"):
        mx.io.MNISTIter(image=img, label=fewer)
    with pytest.raises(mx.MXNetError, match="expected ubyte images"):
        mx.io.MNISTIter(image=lab, label=lab)
    with pytest.raises(mx.MXNetError, match="part_index"):
        mx.io.MNISTIter(image=img, label=lab, num_parts=2, part_index=2)
    with pytest.raises(TypeError, match="keyword arguments"):
        mx.io.MNISTIter(img)
    with pytest.warns(UserWarning, match="ignores unknown arguments: input_shape"):
        mx.io.MNISTIter(image=img, label=lab, input_shape=(1, 28, 28), prefetch_buffer=4)


MNIST_CODE = """
for flat in (False, True):
    for parts, part in ((1, 0), (3, 2)):
        it = mx.io.MNISTIter(image=tmp + '/img-idx3-ubyte', label=tmp + '/lab-idx1-ubyte',
                             batch_size=64, shuffle=False, flat=flat, num_parts=parts,
                             part_index=part, silent=True)
        key = '%d_%d' % (flat, parts)
        out[key + '_desc'] = [list(it.provide_data[0].shape), list(it.provide_label[0].shape)]
        for i, b in enumerate(it):
            out['%s_%d_d' % (key, i)] = b.data[0].asnumpy()
            out['%s_%d_l' % (key, i)] = b.label[0].asnumpy()
"""


def test_mnist_iter_matches_mxnet(mxnet, tmp_path):
    """The first 1000 test images of Fashion-MNIST (plain IDX: MXNet reads no
    gzip) give the same batches here and in MXNet 1.9.1."""
    path = os.path.join(FASHION, "t10k-images-idx3-ubyte.gz")
    if not os.path.exists(path):
        pytest.skip("Fashion-MNIST is not installed (Debian's dataset-fashion-mnist)")
    images = mx.io.read_idx(path)[:1000]
    labels = mx.io.read_idx(os.path.join(FASHION, "t10k-labels-idx1-ubyte.gz"))[:1000]
    write_idx(tmp_path / "img-idx3-ubyte", images)
    write_idx(tmp_path / "lab-idx1-ubyte", labels)
    ours = run_here(MNIST_CODE, mx, tmp_path)
    theirs = run_mxnet(MNIST_CODE, tmp_path)
    assert_same(ours, theirs)


def test_fashion_mnist_files():
    path = os.path.join(FASHION, "train-images-idx3-ubyte.gz")
    if not os.path.exists(path):
        pytest.skip("Fashion-MNIST is not installed (Debian's dataset-fashion-mnist)")
    it = mx.io.MNISTIter(image=path, label=os.path.join(FASHION, "train-labels-idx1-ubyte.gz"),
                         batch_size=128, silent=True)
    assert it.num_data == 60000
    labels = np.concatenate([b.label[0].asnumpy() for b in it]).astype(int)
    assert labels.shape == (468 * 128,)  # 60000 // 128 full batches
    counts = np.bincount(labels, minlength=10)
    assert counts.size == 10 and counts.min() > 5800 and counts.max() < 6200  # 6000 each
    with pytest.raises(StopIteration):
        it.next()  # the epoch is over until reset
    it.reset()
    x = it.next().data[0].asnumpy()
    assert x.shape == (128, 1, 28, 28) and 0 <= x.min() and x.max() <= 255 / 256


# ---- CSVIter ---------------------------------------------------------------------
CSV_CODE = """
np.savetxt(tmp + '/d.csv', np.arange(30).reshape(10, 3), delimiter=',', fmt='%g')
np.savetxt(tmp + '/l.csv', np.arange(10) % 4, delimiter=',', fmt='%g')
np.savetxt(tmp + '/l2.csv', np.arange(20).reshape(10, 2), delimiter=',', fmt='%g')
cases = [dict(label_csv=tmp + '/l.csv', batch_size=4),
         dict(label_csv=tmp + '/l.csv', batch_size=4, round_batch=False),
         dict(batch_size=3),
         dict(label_csv=tmp + '/l2.csv', label_shape=(2,), batch_size=5, dtype='int32'),
         dict(label_csv=tmp + '/l.csv', batch_size=4, data_shape=(1, 3))]
for c, kwargs in enumerate(cases):
    kwargs.setdefault('data_shape', (3,))
    it = mx.io.CSVIter(data_csv=tmp + '/d.csv', **kwargs)
    out['%d_desc' % c] = [list(it.provide_data[0].shape), list(it.provide_label[0].shape),
                         np.dtype(it.provide_data[0].dtype).name]
    i = 0
    for epoch in range(3):
        for b in it:
            out['%d_%d_d' % (c, i)] = b.data[0].asnumpy()
            out['%d_%d_l' % (c, i)] = b.label[0].asnumpy()
            out['%d_%d_pad' % (c, i)] = b.pad
            out['%d_%d_index' % (c, i)] = b.index.astype(np.int64)
            i += 1
        it.reset()
"""


def test_csv_iter_matches_mxnet(mxnet, tmp_path):
    ours = run_here(CSV_CODE, mx, tmp_path)
    theirs = run_mxnet(CSV_CODE, tmp_path)
    assert_same(ours, theirs)


def test_csv_iter_round_batch(tmp_path):
    """MXNet's docstring example: 4 rows, batch 3; round_batch carries the
    overflow into the next epoch."""
    path = tmp_path / "data.csv"
    path.write_text("1,2,3\n2,3,4\n3,4,5\n4,5,6\n")
    it = mx.io.CSVIter(data_csv=str(path), data_shape=(3,), batch_size=3)
    first = batches(it)
    assert [g[0][0][:, 0].tolist() for g in first] == [[1, 2, 3], [4, 1, 2]]
    assert [g[2] for g in first] == [0, 2]
    assert [g[0][0][:, 0].tolist() for g in batches(it)] == [[3, 4, 1]]
    it = mx.io.CSVIter(data_csv=str(path), data_shape=(3,), batch_size=3, round_batch=False)
    got = batches(it, epochs=2)
    assert [g[0][0][:, 0].tolist() for g in got] == [[1, 2, 3], [4, 2, 3]] * 2
    assert [g[2] for g in got] == [0, 2] * 2
    assert [g[1][0].tolist() for g in got] == [[0, 0, 0]] * 4


def test_csv_iter_errors(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("1,2,3\n4,5\n")
    with pytest.raises(mx.MXNetError, match=r"d.csv' line 2 has 2 values, the shape needs 3"):
        mx.io.CSVIter(data_csv=str(data), data_shape=(3,), batch_size=1)
    data.write_text("1,2,3\n4,5,x\n")
    with pytest.raises(mx.MXNetError, match="line 2: not a number"):
        mx.io.CSVIter(data_csv=str(data), data_shape=(3,), batch_size=1)
    data.write_text("1,2,3\n4,5,6\n")
    label = tmp_path / "l.csv"
    label.write_text("1\n")
    with pytest.raises(mx.MXNetError, match="has 2 rows but label_csv '.*l.csv' has 1"):
        mx.io.CSVIter(data_csv=str(data), data_shape=(3,), label_csv=str(label), batch_size=1)
    with pytest.raises(mx.MXNetError, match="cannot open data_csv '.*none.csv'"):
        mx.io.CSVIter(data_csv=str(tmp_path / "none.csv"), data_shape=(3,), batch_size=1)
    with pytest.raises(mx.MXNetError, match="required parameter data_shape"):
        mx.io.CSVIter(data_csv=str(data), batch_size=1)


def test_csv_iter_directory(tmp_path):
    (tmp_path / "a.csv").write_text("1,2\n3,4\n")
    (tmp_path / "b.csv").write_text("5,6\n")
    it = mx.io.CSVIter(data_csv=str(tmp_path), data_shape=(2,), batch_size=3)
    assert batches(it)[0][0][0].tolist() == [[1, 2], [3, 4], [5, 6]]


# ---- ResizeIter, PrefetchingIter -------------------------------------------------
def test_resize_iter():
    base = mx.io.NDArrayIter(np.arange(10), np.arange(10), 4)
    it = mx.io.ResizeIter(base, 5)
    got = batches(it, epochs=2)
    assert len(got) == 10
    assert [g[0][0][0] for g in got[:5]] == [0, 4, 8, 0, 4]
    assert [g[2] for g in got[:5]] == [0, 0, 2, 0, 0]
    assert it.provide_data == base.provide_data and it.batch_size == 4


def test_prefetching_iter_same_batches():
    def make():
        return mx.io.NDArrayIter({'data': np.arange(10)}, np.arange(10) + 100, 4)
    want = batches(make(), epochs=2)
    got = batches(mx.io.PrefetchingIter(make()), epochs=2)
    assert len(got) == len(want)
    for (gd, gl, gp), (wd, wl, wp) in zip(got, want):
        np.testing.assert_array_equal(gd[0], wd[0])
        np.testing.assert_array_equal(gl[0], wl[0])
        assert gp == wp


def test_prefetching_iter_several_and_renamed():
    it1 = mx.io.NDArrayIter({'data': mx.nd.ones((100, 10))}, batch_size=25)
    it2 = mx.io.NDArrayIter({'data': mx.nd.zeros((100, 10))}, batch_size=25)
    it = mx.io.PrefetchingIter([it1, it2], rename_data=[{'data': 'data_1'}, {'data': 'data_2'}])
    assert [(d.name, d.shape) for d in it.provide_data] == [('data_1', (25, 10)),
                                                            ('data_2', (25, 10))]
    assert it.batch_size == 25
    got = batches(it)
    assert len(got) == 4 and got[0][0][0].sum() == 250 and got[0][0][1].sum() == 0
    short = mx.io.NDArrayIter({'data': mx.nd.zeros((50, 10))}, batch_size=25)
    mixed = mx.io.PrefetchingIter([mx.io.NDArrayIter(mx.nd.ones((100, 10)), batch_size=25),
                                   short])
    with pytest.raises(ValueError, match="different numbers of batches"):
        batches(mixed)


class _SlowIter(mx.io.DataIter):
    """A DataIter whose next() takes `delay` seconds (like decoding)."""

    def __init__(self, n, delay, fail_at=None):
        super(_SlowIter, self).__init__(2)
        self.n, self.delay, self.fail_at, self.i = n, delay, fail_at, 0
        self.provide_data = [mx.io.DataDesc('data', (2,))]
        self.provide_label = []
        self.threads = set()

    def reset(self):
        self.i = 0

    def next(self):
        self.threads.add(threading.current_thread().name)
        if self.i == self.fail_at:
            raise IOError("disk on fire at batch %d" % self.i)
        if self.i >= self.n:
            raise StopIteration
        time.sleep(self.delay)
        self.i += 1
        return mx.io.DataBatch([mx.nd.ones((2,)) * self.i], pad=0)


def test_prefetching_iter_overlaps_loading_and_compute():
    """Loading (0.05 s a batch) runs while the consumer works (0.05 s a
    batch): 10 batches take about 0.55 s, not 1 s."""
    base = _SlowIter(10, 0.05)
    it = mx.io.PrefetchingIter(base)
    start = time.time()
    values = []
    for b in it:
        time.sleep(0.05)
        values.append(b.data[0].asnumpy()[0])
    elapsed = time.time() - start
    assert values == list(range(1, 11))
    assert base.threads == {"PrefetchingIter"}
    assert elapsed < 0.85, "no overlap: %.2f s for 10 batches" % elapsed


def test_prefetching_iter_reraises_errors():
    it = mx.io.PrefetchingIter(_SlowIter(10, 0.0, fail_at=2))
    it.next()
    it.next()
    with pytest.raises(IOError, match="disk on fire at batch 2"):
        it.next()
