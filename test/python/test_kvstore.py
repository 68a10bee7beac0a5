"""test_kvstore.py - mx.kv: the overview's KVStore walk-through as written,
sums and updater results against NumPy over many keys, devices, shapes and
dtypes, int and str keys, MXNet's errors, optimizer states, concurrency.

Devices: four GPUs when present, else cpu(0..3) for gpu(0..3).
"""
import os
import threading

import numpy as np
import pytest

import mxc as mx
import mxnet_ref

NUM_DEV = 4
DEVICES = [mx.gpu(i) for i in range(NUM_DEV)] if mx.context.num_gpus() >= NUM_DEV \
    else [mx.cpu(i) for i in range(NUM_DEV)]
requires_mxnet = pytest.mark.skipif(not mxnet_ref.available(), reason=mxnet_ref.SKIP_REASON)


def test_overview_walk_through(capsys):
    # The overview's KVStore part, statement by statement (Python 3 prints,
    # gpu(i) as DEVICES[i] when this machine has fewer than 4 GPUs).
    kv = mx.kv.create('local')  # create a local kv store.
    shape = (2, 3)
    kv.init(3, mx.nd.ones(shape) * 2)
    a = mx.nd.zeros(shape)
    kv.pull(3, out=a)
    print(a.asnumpy())
    kv.push(3, mx.nd.ones(shape) * 8)
    kv.pull(3, out=a)  # pull out the value
    print(a.asnumpy())
    gpus = DEVICES
    b = [mx.nd.ones(shape, gpu) for gpu in gpus]
    kv.push(3, b)
    kv.pull(3, out=a)
    print(a.asnumpy())

    def update(key, input, stored):  # pylint: disable=redefined-builtin
        print("update on key: %d" % key)
        stored += input * 2
    kv._set_updater(update)
    kv.pull(3, out=a)
    print(a.asnumpy())
    kv.push(3, mx.nd.ones(shape))
    kv.pull(3, out=a)
    print(a.asnumpy())
    b = [mx.nd.ones(shape, gpu) for gpu in gpus]
    kv.pull(3, out=b)
    print(b[1].asnumpy())
    keys = [5, 7, 9]
    kv.init(keys, [mx.nd.ones(shape)] * len(keys))
    kv.push(keys, [mx.nd.ones(shape)] * len(keys))
    b = [mx.nd.zeros(shape)] * len(keys)
    kv.pull(keys, out=b)
    print(b[1].asnumpy())
    b = [[mx.nd.ones(shape, gpu) for gpu in gpus]] * len(keys)
    kv.push(keys, b)
    kv.pull(keys, out=b)
    print(b[1][1].asnumpy())

    def block(v):
        return str(np.full(shape, v, np.float32))
    expected = [block(2), block(8), block(4), block(4), "update on key: 3", block(6), block(6),
                "update on key: 5", "update on key: 7", "update on key: 9", block(3),
                "update on key: 5", "update on key: 7", "update on key: 9", block(11)]
    assert capsys.readouterr().out == "\n".join(expected) + "\n"


@pytest.mark.parametrize("kind", ["local", "device"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32"])
def test_sums_and_assignment_match_numpy(kind, dtype):
    rng = np.random.RandomState(3)
    shapes = [(1,), (7,), (3, 5), (2, 3, 4), (40001,), ()]
    kv = mx.kv.create(kind)
    keys = [10 * i for i in range(len(shapes))]
    kv.init(keys, [mx.nd.zeros(s, dtype=dtype) for s in shapes])
    for step in range(3):
        values, expect = [], []
        for k, s in enumerate(shapes):
            ndev = 1 + (k + step) % NUM_DEV
            vals = [rng.randint(-8, 9, size=s).astype(dtype) for _ in range(ndev)]
            expect.append(sum(v.astype(np.float64) for v in vals))
            values.append([mx.nd.array(v, ctx=DEVICES[d], dtype=dtype)
                           for d, v in enumerate(vals)])
        kv.push(keys, values)
        outs = [[mx.nd.zeros(s, ctx=c, dtype=dtype) for c in DEVICES] for s in shapes]
        kv.pull(keys, out=outs)
        for k in range(len(shapes)):
            for o in outs[k]:
                np.testing.assert_array_equal(o.asnumpy().astype(np.float64), expect[k])


@pytest.mark.parametrize("kind", ["local", "device"])
def test_updater_results_match_numpy_with_str_keys(kind):
    rng = np.random.RandomState(5)
    names = ['fc%d_weight' % i for i in range(20)]
    shapes = [tuple(int(d) for d in rng.randint(1, 6, size=rng.randint(1, 4))) for _ in names]
    init = [rng.uniform(-1, 1, s).astype('float32') for s in shapes]
    kv = mx.kv.create(kind)
    kv.init(names, [mx.nd.array(v) for v in init])
    seen = []

    def update(key, recv, stored):
        seen.append(key)
        stored[:] = stored * 0.5 + recv

    kv._set_updater(update)
    expect = [v.astype(np.float64) for v in init]
    for _ in range(4):
        grads = [[rng.uniform(-1, 1, s).astype('float32') for _ in range(2)] for s in shapes]
        kv.push(names, [[mx.nd.array(g, ctx=DEVICES[d]) for d, g in enumerate(gs)]
                        for gs in grads])
        expect = [e * 0.5 + (gs[0] + gs[1]) for e, gs in zip(expect, grads)]
    outs = [mx.nd.zeros(s) for s in shapes]
    kv.pull(names, out=outs)
    for o, e in zip(outs, expect):
        np.testing.assert_allclose(o.asnumpy(), e, rtol=1e-5, atol=1e-6)
    assert seen == names * 4  # str keys reach the updater, in push order


def test_pushpull_broadcast_and_properties():
    kv = mx.kv.create('Device')
    assert (kv.type, kv.rank, kv.num_workers) == ('device', 0, 1)
    assert kv.is_capable(mx.kv.KVStoreBase.OPTIMIZER)
    a = mx.nd.zeros((2, 3))
    kv.broadcast('3', mx.nd.ones((2, 3)) * 2, out=a)
    np.testing.assert_array_equal(a.asnumpy(), 2)
    g = [mx.nd.ones((2, 3), ctx=c) * (i + 1) for i, c in enumerate(DEVICES)]
    kv.pushpull('3', g)
    for x in g:
        np.testing.assert_array_equal(x.asnumpy(), 10)
    out = mx.nd.zeros((2, 3))
    kv.pushpull('3', mx.nd.ones((2, 3)), out=out)
    np.testing.assert_array_equal(out.asnumpy(), 1)
    kv._barrier()
    assert mx.kv.create('local_allreduce_cpu').type == 'local_allreduce_cpu'


def test_errors_name_the_key_and_shapes():
    kv = mx.kv.create('local')
    kv.init(3, mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match="duplicate init of key 3"):
        kv.init(3, mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match="key 4 has not been inited"):
        kv.push(4, mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match="key 4 has not been inited"):
        kv.pull(4, out=mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match=r"key 3 holds shape \(2,3\) but the pushed array "
                                            r"has shape \(2,4\)"):
        kv.push(3, mx.nd.ones((2, 4)))
    with pytest.raises(mx.MXNetError, match=r"key 3 holds shape \(2,3\) but the out array"):
        kv.pull(3, out=mx.nd.ones((3,)))
    with pytest.raises(mx.MXNetError, match="Mixed key types are not allowed"):
        kv.init('a', mx.nd.ones((2, 3)))
    with pytest.raises(AssertionError, match="inconsistent types of keys detected."):
        kv.push([3, 'a'], [mx.nd.ones((2, 3))] * 2)
    kv2 = mx.kv.create('local')
    kv2.init('w', mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match="duplicate init of key w"):
        kv2.init('w', mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match="key x doesn't exist. Did you init?"):
        kv2.push('x', mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match="Mixed key types are not allowed"):
        kv2.push(1, mx.nd.ones((3, 3)))
    with pytest.raises(mx.MXNetError, match="row_sparse_pull is not supported"):
        kv.row_sparse_pull(3, out=mx.nd.ones((2, 3)), row_ids=mx.nd.array([0]))
    with pytest.raises(TypeError):
        mx.kv.create(3)


def test_updater_exception_surfaces_at_the_next_wait():
    kv = mx.kv.create('local')
    kv.init([0, 1], [mx.nd.zeros(3), mx.nd.zeros(3)])

    def update(key, recv, stored):
        if key == 1:
            raise ValueError("no update for key 1")
        stored += recv
    kv._set_updater(update)
    kv.push([0, 1], [mx.nd.ones(3), mx.nd.ones(3)])
    out = mx.nd.zeros(3)
    kv.pull(1, out=out)
    with pytest.raises(mx.MXNetError, match="no update for key 1"):
        out.asnumpy()
    mx.nd.waitall()  # reported once, then the store goes on
    kv._set_updater(None)
    kv.push(1, mx.nd.ones(3) * 7)
    kv.pull(1, out=out)
    np.testing.assert_array_equal(out.asnumpy(), 7)


@pytest.mark.skipif(os.environ.get('MXC_ENGINE_TYPE') == 'naive',
                    reason="the naive engine runs updaters on the pushing thread")
def test_an_updater_that_waits_gets_a_clear_error():
    kv = mx.kv.create('local')
    kv.init(0, mx.nd.zeros(3))

    def update(key, recv, stored):
        stored[:] = recv.asnumpy()  # a wait inside the engine
    kv._set_updater(update)
    kv.push(0, mx.nd.ones(3))
    out = mx.nd.zeros(3)
    kv.pull(0, out=out)
    with pytest.raises(mx.MXNetError, match="it would wait for itself"):
        out.asnumpy()
    mx.nd.waitall()


def test_set_optimizer_docstring_example():
    kv = mx.kv.create()
    kv.init(0, mx.nd.zeros((2, 2)))
    kv.set_optimizer(mx.optimizer.SGD())
    kv.push(0, mx.nd.ones((2, 2)))
    w = mx.nd.empty((2, 2))
    kv.pull(0, out=w)
    np.testing.assert_allclose(w.asnumpy(), -0.01 * np.ones((2, 2)), rtol=1e-6)


def test_optimizer_states_save_and_load(tmp_path):
    rng = np.random.RandomState(0)
    g = [rng.uniform(-1, 1, (4, 5)).astype('float32') for _ in range(6)]

    def trained(kv, steps):
        for x in steps:
            kv.push(0, mx.nd.array(x))
        out = mx.nd.zeros((4, 5))
        kv.pull(0, out=out)
        return out.asnumpy()

    kv = mx.kv.create('local')
    kv.init(0, mx.nd.ones((4, 5)))
    kv.set_optimizer(mx.optimizer.Adam(learning_rate=0.1))
    halfway = trained(kv, g[:3])
    fname = str(tmp_path / "states")
    kv.save_optimizer_states(fname, dump_optimizer=True)
    full = trained(kv, g[3:])
    # Another store resumes from the saved states and optimizer (Adam's step
    # counts included): the same weights, bit for bit.
    kv2 = mx.kv.create('local')
    kv2.init(0, mx.nd.array(halfway))
    kv2.set_optimizer(mx.optimizer.SGD(learning_rate=100.0))
    kv2.load_optimizer_states(fname)
    assert isinstance(kv2._updater.optimizer, mx.optimizer.Adam)
    np.testing.assert_array_equal(trained(kv2, g[3:]), full)
    with pytest.raises(AssertionError, match="Cannot save states"):
        mx.kv.create('local').save_optimizer_states(fname)


@requires_mxnet
def test_loads_optimizer_states_saved_by_mxnet(tmp_path):
    fname = str(tmp_path / "mxnet.states")
    code = r'''
kv = mx.kv.create('local')
kv.init(0, mx.nd.array(inputs['w']))
kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
for g in inputs['g'][:3]:
    kv.push(0, mx.nd.array(g))
kv.save_optimizer_states(params, dump_optimizer=True)
for g in inputs['g'][3:]:
    kv.push(0, mx.nd.array(g))
out = mx.nd.zeros(inputs['w'].shape)
kv.pull(0, out=out)
outputs['w'] = out.asnumpy()
'''
    rng = np.random.RandomState(1)
    w = rng.uniform(-1, 1, (3, 4)).astype('float32')
    g = rng.uniform(-1, 1, (6, 3, 4)).astype('float32')
    ref, _ = mxnet_ref.run(code, params=fname, w=w, g=g)
    kv = mx.kv.create('local')
    kv.init(0, mx.nd.array(w))
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    for x in g[:3]:
        kv.push(0, mx.nd.array(x))
    kv.load_optimizer_states(fname)  # MXNet's pickle: its momentum and optimizer
    assert isinstance(kv._updater.optimizer, mx.optimizer.SGD)
    for x in g[3:]:
        kv.push(0, mx.nd.array(x))
    out = mx.nd.zeros(w.shape)
    kv.pull(0, out=out)
    np.testing.assert_array_equal(out.asnumpy(), ref['w'])


@requires_mxnet
def test_mxnet_loads_optimizer_states_saved_by_mxc(tmp_path):
    fname = str(tmp_path / "mxc.states")
    rng = np.random.RandomState(2)
    w = rng.uniform(-1, 1, (3, 4)).astype('float32')
    g = rng.uniform(-1, 1, (6, 3, 4)).astype('float32')
    kv = mx.kv.create('local')
    kv.init(0, mx.nd.array(w))
    kv.set_optimizer(mx.optimizer.Adam(learning_rate=0.05, lr_scheduler=mx.lr_scheduler.
                                       FactorScheduler(step=2, factor=0.5, base_lr=0.05)))
    for x in g[:3]:
        kv.push(0, mx.nd.array(x))
    halfway = mx.nd.zeros(w.shape)
    kv.pull(0, out=halfway)
    kv.save_optimizer_states(fname, dump_optimizer=True)
    for x in g[3:]:
        kv.push(0, mx.nd.array(x))
    out = mx.nd.zeros(w.shape)
    kv.pull(0, out=out)
    code = r'''
kv = mx.kv.create('local')
kv.init(0, mx.nd.array(inputs['w']))
# (An Adam first: MXNet's Updater keeps the aggregation of the optimizer it
# was made with, and an SGD's would skip every Adam update.)
kv.set_optimizer(mx.optimizer.Adam())
kv.load_optimizer_states(params)
assert type(kv._updater.optimizer).__name__ == 'Adam'
assert type(kv._updater.optimizer.lr_scheduler).__name__ == 'FactorScheduler'
for g in inputs['g'][3:]:
    kv.push(0, mx.nd.array(g))
out = mx.nd.zeros(inputs['w'].shape)
kv.pull(0, out=out)
outputs['w'] = out.asnumpy()
'''
    ref, _ = mxnet_ref.run(code, params=fname, w=halfway.asnumpy(), g=g)
    np.testing.assert_array_equal(out.asnumpy(), ref['w'])


def test_concurrent_pushers_lose_no_update_and_do_not_deadlock():
    kv = mx.kv.create('local')
    nkeys, nthreads, npushes = 4, 4, 30
    kv.init(list(range(nkeys)), [mx.nd.zeros((64,)) for _ in range(nkeys)])
    calls = []

    def update(key, recv, stored):
        calls.append(key)
        stored += recv
    kv._set_updater(update)
    errors = []

    def worker(t):
        try:
            for i in range(npushes):
                k = (t + i) % nkeys
                kv.push(k, [mx.nd.ones((64,), ctx=DEVICES[t]), mx.nd.ones((64,))])
                if i % 5 == 0:
                    out = mx.nd.zeros((64,), ctx=DEVICES[t])
                    kv.pull(k, out=out)
                    out.wait_to_read()
        except Exception as e:  # pylint: disable=broad-except
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a pusher is stuck"
    assert not errors
    outs = [mx.nd.zeros((64,)) for _ in range(nkeys)]
    kv.pull(list(range(nkeys)), out=outs)
    for o in outs:
        np.testing.assert_array_equal(o.asnumpy(), 2 * nthreads * npushes / nkeys)
    assert len(calls) == nthreads * npushes


def test_custom_store_from_the_registry():
    @mx.kv.KVStoreBase.register
    class MyStore(mx.kv.KVStoreBase):  # pylint: disable=abstract-method,unused-variable
        @property
        def type(self):
            return 'mystore'
    assert mx.kv.create('MyStore').type == 'mystore'


@pytest.mark.skipif(mx.context.num_gpus() < 2, reason="needs 2 GPUs (mx.context.num_gpus() < 2)")
def test_device_store_reduces_on_gpus():
    kv = mx.kv.create('device')
    gpus = [mx.gpu(i) for i in range(mx.context.num_gpus())]
    kv.init(0, mx.nd.zeros((1000,)))
    kv.push(0, [mx.nd.ones((1000,), ctx=g) * (i + 1) for i, g in enumerate(gpus)])
    outs = [mx.nd.zeros((1000,), ctx=g) for g in gpus]
    kv.pull(0, out=outs)
    for o in outs:
        np.testing.assert_array_equal(o.asnumpy(), sum(range(1, len(gpus) + 1)))

