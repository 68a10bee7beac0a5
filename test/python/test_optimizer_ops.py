"""test_optimizer_ops.py - the fused update steps mx.nd.*_update against MXNet
1.9.1, op by op: the new weight and every state, bit for bit, for float32
and float64 (and float16 weights of the mixed-precision steps), with and
without clipping, in place (out=weight) and not.
"""
import numpy as np
import pytest

import mxc as mx
import mxnet_ref

requires_mxnet = pytest.mark.skipif(not mxnet_ref.available(), reason=mxnet_ref.SKIP_REASON)

# (op, number of state inputs, attributes, states that must stay positive, in place)
OPS = [
    ('sgd_update', 0, dict(lr=0.1, wd=0.01, rescale_grad=0.5), (), True),
    ('sgd_update', 0, dict(lr=0.1, clip_gradient=0.3), (), True),
    ('sgd_mom_update', 1, dict(lr=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5), (), True),
    ('sgd_mom_update', 1, dict(lr=0.1, momentum=0.9, clip_gradient=0.2), (), False),
    ('nag_mom_update', 1, dict(lr=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5), (), True),
    ('nag_mom_update', 1, dict(lr=0.1, momentum=0.9, wd=0.01), (), False),
    ('nag_mom_update', 1, dict(lr=0.1, momentum=0.9, clip_gradient=0.2), (), True),
    ('adam_update', 2, dict(lr=0.01, beta1=0.8, beta2=0.99, epsilon=1e-6, wd=0.01), (3,), True),
    ('adam_update', 2, dict(lr=0.01, clip_gradient=0.3, rescale_grad=0.7), (3,), True),
    ('rmsprop_update', 1, dict(lr=0.01, gamma1=0.9, epsilon=1e-6, wd=0.01), (2,), True),
    ('rmsprop_update', 1, dict(lr=0.01, clip_gradient=0.3, clip_weights=0.5), (2,), True),
    ('rmspropalex_update', 3, dict(lr=0.01, gamma1=0.9, gamma2=0.8, wd=0.01), (2,), True),
    ('rmspropalex_update', 3, dict(lr=0.01, clip_gradient=0.3, clip_weights=0.5), (2,), True),
    ('ftrl_update', 2, dict(lr=0.1, lamda1=0.01, beta=1.0, wd=0.01, rescale_grad=0.7), (3,), True),
    ('ftrl_update', 2, dict(lr=0.1, lamda1=0.3, clip_gradient=0.2), (3,), True),
    ('ftml_update', 3, dict(lr=0.1, t=3, wd=0.01, rescale_grad=0.7), (2, 3), True),
    ('ftml_update', 3, dict(lr=0.1, t=1, clip_grad=0.2), (2, 3), True),
    ('signsgd_update', 0, dict(lr=0.1, wd=0.01), (), True),
    ('signum_update', 1, dict(lr=0.1, momentum=0.9, wd=0.01, wd_lh=0.01), (), True),
    ('signum_update', 1, dict(lr=0.1, momentum=0.9, clip_gradient=0.2), (), True),
    ('lamb_update_phase1', 2, dict(t=3, wd=0.01, rescale_grad=0.7), (3,), False),
    ('lamb_update_phase1', 2, dict(t=1, wd=0.01, bias_correction=False, clip_gradient=0.2),
     (3,), False),
]

# Mixed precision: float16 weight and gradient, float32 states and master weight.
MP_OPS = [
    ('mp_sgd_update', 1, dict(lr=0.1, wd=0.01, rescale_grad=0.5)),
    ('mp_sgd_update', 1, dict(lr=0.1, clip_gradient=0.3)),
    ('mp_sgd_mom_update', 2, dict(lr=0.1, momentum=0.9, wd=0.01)),
    ('mp_nag_mom_update', 2, dict(lr=0.1, momentum=0.9, wd=0.01, clip_gradient=0.4)),
]

RUN_OPS = '''
for i, (op, nin, kw, inplace, dtypes) in enumerate(params):
    arrs = [mx.nd.array(inputs['c%d_%d' % (i, j)], dtype=dtypes[j]) for j in range(nin)]
    f = getattr(mx.nd, op)
    res = f(*arrs, out=arrs[0], **kw) if inplace else f(*arrs, **kw)
    outputs['c%d_out' % i] = res.asnumpy()
    for j in range(nin):
        outputs['c%d_%d' % (i, j)] = arrs[j].asnumpy()
'''


def run_ours(params, arrays):
    outputs = {}
    for i, (op, nin, kw, inplace, dtypes) in enumerate(params):
        arrs = [mx.nd.array(arrays['c%d_%d' % (i, j)], dtype=dtypes[j]) for j in range(nin)]
        f = getattr(mx.nd, op)
        res = f(*arrs, out=arrs[0], **kw) if inplace else f(*arrs, **kw)
        outputs['c%d_out' % i] = res.asnumpy()
        for j in range(nin):
            outputs['c%d_%d' % (i, j)] = arrs[j].asnumpy()
    return outputs


def cases(dtype):
    rng = np.random.RandomState(7)
    params, arrays = [], {}
    for op, nstates, kw, positive, inplace in OPS:
        i = len(params)
        nin = 2 + nstates
        for j in range(nin):
            a = rng.uniform(-1, 1, (9, 13))
            arrays['c%d_%d' % (i, j)] = (np.abs(a) if j in positive else a).astype(dtype)
        params.append((op, nin, kw, inplace, [dtype] * nin))
    if dtype == 'float32':
        for op, nstates, kw in MP_OPS:
            i = len(params)
            nin = 2 + nstates
            dtypes = ['float16', 'float16'] + ['float32'] * nstates
            for j in range(nin):
                arrays['c%d_%d' % (i, j)] = rng.uniform(-1, 1, (9, 13)).astype(dtypes[j])
            arrays['c%d_%d' % (i, nin - 1)] = arrays['c%d_0' % i].astype('float32') + 1e-4
            params.append((op, nin, kw, True, dtypes))
    return params, arrays


@requires_mxnet
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_update_ops_equal_mxnet_bit_for_bit(dtype):
    params, arrays = cases(dtype)
    ref, _ = mxnet_ref.run(RUN_OPS, params=params, **arrays)
    got = run_ours(params, arrays)
    for key, want in ref.items():
        i = int(key[1:key.index('_')])
        np.testing.assert_array_equal(got[key], want, err_msg="%s %s %s" % (
            params[i][0], params[i][2], key))


def test_update_ops_run_in_place_and_name_bad_input():
    w = mx.nd.array([1.0, 2.0])
    g = mx.nd.array([0.5, -0.3])
    m = mx.nd.array([0.1, 0.2])
    res = mx.nd.nag_mom_update(w, g, m, out=w, lr=0.1, momentum=0.9, wd=0.01)
    assert res is w
    # MXNet 1.9.1: the momentum uses the weight the step just wrote.
    np.testing.assert_allclose(w.asnumpy(), [0.98410004, 2.2152], rtol=1e-7)
    np.testing.assert_allclose(m.asnumpy(), [0.03901589, 0.20778479], rtol=1e-7)
    with pytest.raises(mx.MXNetError, match="lr"):
        mx.nd.sgd_update(w, g)  # lr is required
    with pytest.raises(mx.MXNetError):
        mx.nd.sgd_update(w, mx.nd.ones((3,)), lr=0.1)


def test_all_finite():
    assert mx.nd.all_finite(mx.nd.array([1.0, 2.0])).asnumpy().tolist() == [1.0]
    assert mx.nd.all_finite(mx.nd.array([1.0, np.inf])).asnumpy().tolist() == [0.0]
