"""test_optimizer.py - mx.optimizer and mx.lr_scheduler: 50-step trajectories
of every optimizer against a NumPy transcription of MXNet 1.9.1's update
rule (float32, MXNet's order of operations) and against MXNet 1.9.1 itself,
directly and through a KVStore; learning-rate schedules; lr/wd multipliers;
num_update; the registry; multi-precision; Updater states.
"""
import math
import pickle

import numpy as np
import pytest

import mxc as mx
import mxnet_ref

requires_mxnet = pytest.mark.skipif(not mxnet_ref.available(), reason=mxnet_ref.SKIP_REASON)
f32 = np.float32
STEPS = 50
SHAPE = (6, 7)


def clip(x, c):
    return np.clip(x, -f32(c), f32(c)) if c is not None and c > 0 else x


def sign(x):
    return ((x > 0).astype(np.float32) - (x < 0).astype(np.float32))


# ---- NumPy references: one step, float32, MXNet's kernel order ------------------------

def ref_sgd(p, w, g, s, t, lr, wd):
    lr, wd, rg = f32(lr), f32(wd), f32(p.get('rescale_grad', 1))
    mom = f32(p.get('momentum', 0))
    c = p.get('clip_gradient')
    if mom == 0:
        if c:
            return (f32(1) - lr * wd) * w - lr * clip(rg * g, c), s
        return (f32(1) - lr * wd) * w - (lr * rg) * g, s
    gr = lr * clip(rg * g, c) if c else lr * rg * g
    m = mom * s - lr * wd * w - gr
    return w + m, m


def ref_nag(p, w, g, s, t, lr, wd):
    lr, wd, rg, mom = f32(lr), f32(wd), f32(p.get('rescale_grad', 1)), f32(p['momentum'])
    gr = clip(rg * g, p.get('clip_gradient'))
    m = mom * s
    nw = w - m + (mom + f32(1)) * (m - lr * (gr + wd * w))
    return nw, m - lr * (gr + wd * nw)


def ref_signum(p, w, g, s, t, lr, wd):
    lr, wd, rg = f32(lr), f32(wd), f32(p.get('rescale_grad', 1))
    mom, wdlh = f32(p.get('momentum', 0.9)), f32(p.get('wd_lh', 0))
    if mom == 0:
        return (f32(1) - lr * wd) * w - lr * sign(g), s
    om = f32(1) - mom
    m = mom * s - om * wd * w - om * clip(rg * g, p.get('clip_gradient'))
    return (f32(1) - lr * wdlh) * w + lr * sign(m), m


def ref_adam(p, w, g, s, t, lr, wd):
    b1, b2 = p.get('beta1', 0.9), p.get('beta2', 0.999)
    lr = f32(lr * math.sqrt(1. - b2**t) / (1. - b1**t))
    b1, b2, eps, wd = f32(b1), f32(b2), f32(p.get('epsilon', 1e-8)), f32(wd)
    gr = clip(g * f32(p.get('rescale_grad', 1)) + w * wd, p.get('clip_gradient'))
    mean = b1 * s[0] + (f32(1) - b1) * gr
    var = b2 * s[1] + (f32(1) - b2) * gr * gr
    return w - lr * mean / (np.sqrt(var) + eps), (mean, var)


def ref_adagrad(p, w, g, s, t, lr, wd):
    gr = clip(g * f32(p.get('rescale_grad', 1)), p.get('clip_gradient'))
    h = s + gr * gr
    div = gr / np.sqrt(h + f32(p.get('eps', 1e-7)))
    return w + (div + w * f32(wd)) * f32(-lr), h


def ref_rmsprop(p, w, g, s, t, lr, wd):
    lr, wd, rg, g1 = f32(lr), f32(wd), f32(p.get('rescale_grad', 1)), f32(p.get('gamma1', 0.9))
    eps, cw = f32(p.get('epsilon', 1e-8)), p.get('clip_weights')
    gr = clip(rg * g + wd * w, p.get('clip_gradient'))
    if not p.get('centered'):
        n = (f32(1) - g1) * (gr * gr) + g1 * s[0]
        return clip(w - lr * (gr / np.sqrt(n + eps)), cw), (n,)
    g2 = f32(p.get('gamma2', 0.9))
    n = (f32(1) - g1) * gr * gr + g1 * s[0]
    gs = (f32(1) - g1) * gr + g1 * s[1]
    delta = g2 * s[2] - (lr * gr / np.sqrt(n - gs * gs + eps))
    return clip(w + delta, cw), (n, gs, delta)


def ref_adadelta(p, w, g, s, t, lr, wd):
    rho, eps = p.get('rho', 0.9), p.get('epsilon', 1e-5)
    gr = clip(g * f32(p.get('rescale_grad', 1)), p.get('clip_gradient'))
    acc_g = s[0] * f32(rho) + f32(1. - rho) * gr * gr
    delta = np.sqrt(s[1] + f32(eps)) / np.sqrt(acc_g + f32(eps)) * gr
    acc_d = s[1] * f32(rho) + f32(1. - rho) * delta * delta
    return w - (delta + f32(wd) * w), (acc_g, acc_d)


def ref_ftrl(p, w, g, s, t, lr, wd):
    lr, wd, l1, beta = f32(lr), f32(wd), f32(p.get('lamda1', 0.01)), f32(p.get('beta', 1))
    gr = clip(g * f32(p.get('rescale_grad', 1)), p.get('clip_gradient'))
    z = s[0] + (gr - (np.sqrt(s[1] + gr * gr) - np.sqrt(s[1])) * w / lr)
    n = s[1] + gr * gr
    out = (sign(z) * l1 - z) / ((beta + np.sqrt(n)) / lr + wd) * (np.abs(z) > l1)
    return out.astype(np.float32), (z, n)


def ref_ftml(p, w, g, s, t, lr, wd):
    b1, b2, eps = f32(p.get('beta1', 0.6)), f32(p.get('beta2', 0.999)), f32(p.get('epsilon', 1e-8))
    lr, wd, tt = f32(lr), f32(wd), f32(t)
    gr = clip(f32(p.get('rescale_grad', 1)) * g + wd * w, p.get('clip_gradient'))
    v = b2 * s[1] + (f32(1) - b2) * (gr * gr)
    dt = (f32(1) - np.power(b1, tt)) / lr * (np.sqrt(v / (f32(1) - np.power(b2, tt))) + eps)
    z = b1 * s[2] + (f32(1) - b1) * gr - (dt - b1 * s[0]) * w
    return -z / dt, (dt * np.ones_like(w), v, z)


def ref_lamb(p, w, g, s, t, lr, wd):
    b1, b2, eps = f32(p.get('beta1', 0.9)), f32(p.get('beta2', 0.999)), f32(p.get('epsilon', 1e-6))
    gr = clip(g * f32(p.get('rescale_grad', 1)), p.get('clip_gradient'))
    mean = b1 * s[0] + (f32(1) - b1) * gr
    var = b2 * s[1] + (f32(1) - b2) * gr * gr
    mhat = (mean.astype(np.float64) / (1. - float(f32(b1))**t)).astype(np.float32)
    vhat = var / (f32(1) - f32(float(f32(b2))**t))
    d = mhat / (np.sqrt(vhat) + eps) + f32(wd) * w
    r1, r2 = np.linalg.norm(w), np.linalg.norm(d)
    rate = f32(lr) if r1 == 0 or r2 == 0 else f32(lr) * f32(r1) / f32(r2)
    return w - rate * d, (mean, var)


def zeros_like_state(opt, w):
    if opt in ('adam', 'lamb', 'ftrl', 'adadelta'):
        return (np.zeros_like(w), np.zeros_like(w))
    if opt == 'ftml':
        return (np.zeros_like(w),) * 3
    if opt == 'rmsprop':
        return (np.zeros_like(w),) * 3
    return np.zeros_like(w)


CASES = [
    # (name, optimizer, kwargs, reference, exact vs MXNet)
    ('sgd', 'sgd', dict(learning_rate=0.1, wd=0.01, rescale_grad=0.5), ref_sgd, False),
    ('sgd_mom', 'sgd', dict(learning_rate=0.1, momentum=0.9, wd=0.01, clip_gradient=0.3),
     ref_sgd, True),
    ('nag', 'nag', dict(learning_rate=0.1, momentum=0.9, wd=0.01), ref_nag, True),
    ('nag_clip', 'nag', dict(learning_rate=0.05, momentum=0.8, clip_gradient=0.2), ref_nag, True),
    ('signum', 'signum', dict(learning_rate=0.01, wd_lh=0.01, wd=0.01), ref_signum, True),
    ('signsgd', 'signum', dict(learning_rate=0.01, momentum=0.0), ref_signum, True),
    ('adam', 'adam', dict(learning_rate=0.01, wd=0.01, clip_gradient=0.5), ref_adam, True),
    ('adam_rescale', 'adam', dict(learning_rate=0.02, beta1=0.8, rescale_grad=0.3), ref_adam,
     True),
    ('adagrad', 'adagrad', dict(learning_rate=0.1, wd=0.01, clip_gradient=0.5), ref_adagrad, True),
    ('rmsprop', 'rmsprop', dict(learning_rate=0.01, wd=0.01), ref_rmsprop, True),
    ('rmsprop_centered', 'rmsprop', dict(learning_rate=0.01, centered=True, clip_weights=0.9),
     ref_rmsprop, True),
    ('adadelta', 'adadelta', dict(wd=0.01, rescale_grad=0.7), ref_adadelta, True),
    ('ftrl', 'ftrl', dict(lamda1=0.01, wd=0.01), ref_ftrl, True),
    ('ftml', 'ftml', dict(learning_rate=0.05, wd=0.01), ref_ftml, True),
    ('lamb', 'lamb', dict(learning_rate=0.01, wd=0.01), ref_lamb, False),
]


def data():
    rng = np.random.RandomState(0)
    w0 = rng.uniform(-1, 1, SHAPE).astype('float32')
    grads = rng.uniform(-1, 1, (STEPS,) + SHAPE).astype('float32')
    return w0, grads


def ours(name, kwargs, w0, grads, through_kv=False):
    opt = mx.optimizer.create(name, **kwargs)
    if through_kv:
        kv = mx.kv.create('local')
        kv.init(0, mx.nd.array(w0))
        kv.set_optimizer(opt)
        for g in grads:  # two halves from two devices, summed by the store
            kv.push(0, [mx.nd.array(g * 0.5), mx.nd.array(g * 0.5, ctx=mx.cpu(1))])
        out = mx.nd.zeros(SHAPE)
        kv.pull(0, out=out)
        return out.asnumpy()
    w = mx.nd.array(w0)
    state = opt.create_state_multi_precision(0, w)
    for g in grads:
        opt.update_multi_precision(0, w, mx.nd.array(g), state)
    return w.asnumpy()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_trajectory_matches_numpy_reference(case):
    _, name, kwargs, ref, _ = case
    w0, grads = data()
    params = dict(kwargs)
    lr = params.pop('learning_rate', {'adam': 0.001, 'rmsprop': 0.001, 'ftrl': 0.1,
                                      'lamb': 0.001}.get(name, 0.01))
    if name == 'adadelta':
        lr = 1.0
    wd = params.get('wd', 0.0)
    w, s = w0.copy(), zeros_like_state(name, w0)
    for t, g in enumerate(grads, 1):
        w, s = ref(params, w, g, s, t, lr, wd)
    np.testing.assert_allclose(ours(name, kwargs, w0, grads), w, rtol=1e-5, atol=1e-6)


@requires_mxnet
def test_trajectories_match_mxnet():
    w0, grads = data()
    code = '''
for i, (label, name, kw) in enumerate(params):
    for through_kv in (False, True):
        opt = mx.optimizer.create(name, **kw)
        if through_kv:
            kv = mx.kv.create('local')
            kv.init(0, mx.nd.array(inputs['w0']))
            kv.set_optimizer(opt)
            for g in inputs['grads']:
                kv.push(0, [mx.nd.array(g * 0.5), mx.nd.array(g * 0.5, ctx=mx.cpu(1))])
            out = mx.nd.zeros(inputs['w0'].shape)
            kv.pull(0, out=out)
            outputs['%s_kv' % label] = out.asnumpy()
        else:
            w = mx.nd.array(inputs['w0'])
            state = opt.create_state_multi_precision(0, w)
            for g in inputs['grads']:
                opt.update_multi_precision(0, w, mx.nd.array(g), state)
            outputs[label] = w.asnumpy()
'''
    ref, _ = mxnet_ref.run(code, params=[c[:3] for c in CASES], w0=w0, grads=grads)
    for label, name, kwargs, _, exact in CASES:
        for through_kv in (False, True):
            key = label + ('_kv' if through_kv else '')
            got = ours(name, kwargs, w0, grads, through_kv)
            if exact:
                np.testing.assert_array_equal(got, ref[key], err_msg=key)
            else:  # MXNet's multi_sgd / norm kernels round differently
                np.testing.assert_allclose(got, ref[key], rtol=1e-5, atol=1e-6, err_msg=key)


@requires_mxnet
def test_multi_precision_matches_mxnet():
    w0, grads = data()
    configs = [('sgd', dict(learning_rate=0.1, momentum=0.9, multi_precision=True)),
               ('sgd', dict(learning_rate=0.1, multi_precision=True)),
               ('nag', dict(learning_rate=0.1, momentum=0.9, multi_precision=True)),
               ('adam', dict(learning_rate=0.01, multi_precision=True))]
    code = '''
for i, (name, kw) in enumerate(params):
    opt = mx.optimizer.create(name, **kw)
    w = mx.nd.array(inputs['w0'], dtype='float16')
    state = opt.create_state_multi_precision(0, w)
    for g in inputs['grads']:
        opt.update_multi_precision(0, w, mx.nd.array(g, dtype='float16'), state)
    outputs['w%d' % i] = w.asnumpy()
'''
    ref, _ = mxnet_ref.run(code, params=configs, w0=w0, grads=grads[:20])
    for i, (name, kw) in enumerate(configs):
        opt = mx.optimizer.create(name, **kw)
        w = mx.nd.array(w0, dtype='float16')
        state = opt.create_state_multi_precision(0, w)
        assert isinstance(state, tuple) and any(
            isinstance(x, mx.nd.NDArray) and x.dtype == np.float32 for x in state)
        for g in grads[:20]:
            opt.update_multi_precision(0, w, mx.nd.array(g, dtype='float16'), state)
        assert w.dtype == np.float16
        tol = 0 if (name, kw.get('momentum')) != ('sgd', None) else 1e-3
        np.testing.assert_allclose(w.asnumpy().astype(np.float32), ref['w%d' % i].astype(
            np.float32), rtol=tol, atol=tol, err_msg=name)


SCHEDULES = [
    ('FactorScheduler', dict(step=7, factor=0.5, base_lr=0.1, stop_factor_lr=0.01)),
    ('FactorScheduler', dict(step=5, factor=0.9, base_lr=0.2, warmup_steps=4,
                             warmup_begin_lr=0.01)),
    ('MultiFactorScheduler', dict(step=[5, 12, 20], factor=0.3, base_lr=1.0)),
    ('MultiFactorScheduler', dict(step=[3, 9], factor=0.5, base_lr=0.1, warmup_steps=3,
                                  warmup_mode='constant', warmup_begin_lr=0.05)),
    ('PolyScheduler', dict(max_update=25, base_lr=0.3, pwr=2, final_lr=0.01)),
    ('PolyScheduler', dict(max_update=30, base_lr=0.3, pwr=1.5, warmup_steps=6)),
    ('CosineScheduler', dict(max_update=25, base_lr=0.3, final_lr=0.02)),
    ('CosineScheduler', dict(max_update=40, base_lr=0.5, warmup_steps=10, warmup_begin_lr=0.1)),
]


def schedule(module, name, kwargs):
    sched = getattr(module.lr_scheduler, name)(**kwargs)
    return [sched(n) for n in range(0, 45)]


@requires_mxnet
def test_lr_schedulers_match_mxnet():
    code = '''
result = []
for n, kw in params:
    sched = getattr(mx.lr_scheduler, n)(**kw)
    result.append([sched(u) for u in range(0, 45)])
'''
    _, ref = mxnet_ref.run(code, params=SCHEDULES)
    for (name, kwargs), expect in zip(SCHEDULES, ref):
        assert schedule(mx, name, kwargs) == expect, name


def test_lr_scheduler_rules():
    s = mx.lr_scheduler.FactorScheduler(step=10, factor=0.5, base_lr=1.0)
    assert [s(n) for n in (1, 10, 11, 21, 31)] == [1.0, 1.0, 0.5, 0.25, 0.125]
    w = mx.lr_scheduler.CosineScheduler(max_update=20, base_lr=1.0, warmup_steps=4,
                                        warmup_begin_lr=0.2)
    assert [w(n) for n in range(4)] == [0.2, 0.4, 0.6000000000000001, 0.8]
    assert w(20) == 0.0 and w(100) == 0.0
    with pytest.raises(ValueError, match="Factor must be no more than 1"):
        mx.lr_scheduler.FactorScheduler(step=2, factor=2)
    with pytest.raises(ValueError, match="Base lr has to be higher than warmup_begin_lr"):
        mx.lr_scheduler.PolyScheduler(max_update=5, base_lr=0.1, warmup_begin_lr=0.2)
    with pytest.raises(ValueError, match="increasing integer list"):
        mx.lr_scheduler.MultiFactorScheduler(step=[3, 3])


def test_optimizer_with_scheduler_uses_num_update():
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(lr_scheduler=sched)
    w, g = mx.nd.zeros((1,)), mx.nd.ones((1,))
    seen = []
    for _ in range(5):
        opt.update(0, w, g, None)
        seen.append(opt.learning_rate)
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.25]
    np.testing.assert_allclose(w.asnumpy(), [-(1 + 1 + 0.5 + 0.5 + 0.25)])


class _FakeSymbol(object):
    """What Optimizer reads from a Symbol (sym=): attr_dict, list_arguments."""

    def attr_dict(self):
        return {'fc_weight': {'__lr_mult__': '2.0', '__wd_mult__': '0.5'},
                'fc_bias': {'__lr_mult__': '0.1'}}

    def list_arguments(self):
        return ['data', 'fc_weight', 'fc_bias']


def test_lr_and_wd_multipliers():
    opt = mx.optimizer.SGD(learning_rate=1.0, wd=0.1,
                           param_idx2name={0: 'fc_weight', 1: 'fc_bias', 2: 'bn_gamma'},
                           sym=_FakeSymbol())
    assert opt._get_lrs([0, 1, 2]) == [2.0, 0.1, 1.0]
    # idx2name: non-weight, non-gamma names get wd_mult 0; the symbol's 0.5 wins for fc_weight.
    assert opt._get_wds([0, 1, 2]) == [0.05, 0.0, 0.1]
    opt.set_lr_mult({'fc_bias': 3.0, 2: 0.5})
    assert opt._get_lrs([0, 1, 2]) == [2.0, 3.0, 0.5]
    opt.set_wd_mult({'fc_weight': 2.0})
    assert opt._get_wds([0, 1]) == [0.2, 0.0]
    with pytest.raises(UserWarning):
        mx.optimizer.SGD(lr_scheduler=mx.lr_scheduler.FactorScheduler(2)).set_learning_rate(1)

    class Param(object):  # what Optimizer reads from a Gluon Parameter
        def __init__(self, lr_mult, wd_mult):
            self.lr_mult, self.wd_mult = lr_mult, wd_mult
    opt = mx.optimizer.Adam(learning_rate=0.5, wd=0.2, param_dict={0: Param(4.0, 0.0)},
                            param_idx2name={0: 'x_bias'})
    opt.set_lr_mult({0: 100.0})  # param_dict comes first
    assert opt._get_lrs([0, 1]) == [2.0, 0.5]
    assert opt._get_wds([0, 1]) == [0.0, 0.2]
    assert pickle.loads(pickle.dumps(opt)).param_dict == {}  # the trainer sets it again


def test_num_update_counts_per_index_from_begin_num_update():
    opt = mx.optimizer.SGD(begin_num_update=10)
    w, g = mx.nd.zeros((2,)), mx.nd.ones((2,))
    for _ in range(3):
        opt.update(0, w, g, None)
    opt.update(1, w, g, None)
    assert opt._index_update_count == {0: 13, 1: 11}
    assert opt.num_update == 13
    opt._set_current_context(1)  # another device counts on its own
    opt.update(0, w, g, None)
    assert opt._all_index_update_counts[1] == {0: 11} and opt.num_update == 13


def test_registry_and_create():
    assert isinstance(mx.optimizer.create('SGD'), mx.optimizer.SGD)
    assert isinstance(mx.optimizer.create('ccsgd'), mx.optimizer.SGD)
    adam = mx.optimizer.create('adam', learning_rate=.1)
    assert (type(adam), adam.lr, adam.beta1) == (mx.optimizer.Adam, 0.1, 0.9)
    with pytest.raises(ValueError, match="Cannot find optimizer nope"):
        mx.optimizer.create('nope')

    @mx.optimizer.register
    class MyOptimizer(mx.optimizer.Optimizer):  # pylint: disable=unused-variable
        def update(self, index, weight, grad, state):
            weight[:] -= grad
    assert type(mx.optimizer.Optimizer.create_optimizer('myoptimizer')).__name__ == 'MyOptimizer'
    defaults = {'sgd': 0.01, 'adam': 0.001, 'rmsprop': 0.001, 'ftrl': 0.1, 'lamb': 0.001,
                'signum': 0.01, 'adagrad': 0.01, 'adadelta': 0.01, 'nag': 0.01}
    for name, lr in defaults.items():
        assert mx.optimizer.create(name).lr == lr, name


def test_updater_states_round_trip():
    opt = mx.optimizer.Adam(learning_rate=0.1)
    up = mx.optimizer.get_updater(opt)
    w = mx.nd.ones((3,))
    for _ in range(2):
        up(0, mx.nd.ones((3,)), w)
    blob = up.get_states(dump_optimizer=True)
    up2 = mx.optimizer.get_updater(mx.optimizer.SGD())
    up2.set_states(blob)
    assert isinstance(up2.optimizer, mx.optimizer.Adam)
    assert up2.optimizer._index_update_count == {0: 2}
    np.testing.assert_array_equal(up2.states[0][0].asnumpy(), up.states[0][0].asnumpy())
    up3 = mx.optimizer.get_updater(mx.optimizer.Adam())
    up3.set_states(up.get_states())  # states only: the optimizer stays
    assert set(up3.states) == {0} and up3.optimizer.lr == 0.001
    assert b'mxnet.ndarray.ndarray' in blob and b'mxnet.optimizer.optimizer' in blob
