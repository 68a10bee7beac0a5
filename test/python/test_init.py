"""test_init.py - mx.init: MXNet's name-based defaults, __init__ attribute
overrides, the distributions (bounds and moments of Uniform, Normal,
Xavier, MSRAPrelu; orthogonality), dumps/create round trips, Mixed and
Load, and the same dumps strings and deterministic values as MXNet 1.9.1."""
import warnings

import numpy as np
import pytest

import mxc as mx
from diff_runner import run_here, run_mxnet, assert_same

D = mx.init.InitDesc


def filled(init, name, shape, attrs=None):
    arr = mx.nd.ones(shape) * 7
    init(D(name, attrs), arr)
    return arr.asnumpy()


def test_name_based_defaults():
    init = mx.init.Uniform(0.5)
    assert (filled(init, 'fc1_bias', (4,)) == 0).all()
    assert (filled(init, 'bn_gamma', (4,)) == 1).all()
    assert (filled(init, 'bn_beta', (4,)) == 0).all()
    assert (filled(init, 'bn_moving_mean', (4,)) == 0).all()
    assert (filled(init, 'bn_moving_var', (4,)) == 1).all()
    assert (filled(init, 'q_min', (1,)) == 0).all() and (filled(init, 'q_max', (1,)) == 1).all()
    w = filled(init, 'fc1_weight', (50, 40))
    assert np.abs(w).max() <= 0.5 and w.std() > 0.2
    with pytest.raises(ValueError, match="Unknown initialization pattern for mystery"):
        filled(init, 'mystery', (2,))


def test_init_attribute_overrides():
    init = mx.init.Uniform()
    attrs = {'__init__': mx.init.Constant(3.5).dumps()}
    assert (filled(init, 'fc_bias', (3,), attrs) == 3.5).all()
    assert (filled(init, 'bn_moving_var', (3,), {'__init__': '["zero", {}]'}) == 0).all()
    normal = filled(init, 'anything', (200, 50), {'__init__': '["normal", {"sigma": 2.0}]'})
    assert 1.9 < normal.std() < 2.1
    desc = D('w_weight', {'__init__': '["one", {}]'})
    init(desc, mx.nd.zeros((2,)))
    assert desc.global_init is init


def test_distributions():
    mx.random.seed(1)
    u = filled(mx.init.Uniform(0.3), 'w_weight', (400, 250))
    assert -0.3 <= u.min() and u.max() <= 0.3
    assert u.mean() == pytest.approx(0, abs=3e-3) and u.var() == pytest.approx(0.09 / 3, rel=0.02)
    n = filled(mx.init.Normal(0.2), 'w_weight', (400, 250))
    assert n.mean() == pytest.approx(0, abs=3e-3) and n.std() == pytest.approx(0.2, rel=0.02)
    shape = (64, 32, 3, 3)
    fan_in, fan_out = 32 * 9, 64 * 9
    x = filled(mx.init.Xavier(), 'conv_weight', shape)
    bound = np.sqrt(3.0 / ((fan_in + fan_out) / 2))
    assert np.abs(x).max() <= bound and np.abs(x).max() > 0.99 * bound
    g = filled(mx.init.Xavier(rnd_type='gaussian', factor_type='in', magnitude=2), 'c_weight',
               shape)
    assert g.std() == pytest.approx(np.sqrt(2.0 / fan_in), rel=0.03)
    m = filled(mx.init.MSRAPrelu(factor_type='out', slope=0), 'c_weight', shape)
    assert m.std() == pytest.approx(np.sqrt(2.0 / fan_out), rel=0.03)
    with pytest.raises(ValueError, match="cannot be applied to vector w_weight"):
        filled(mx.init.Xavier(), 'w_weight', (10,))
    with pytest.raises(ValueError, match="Incorrect factor type"):
        filled(mx.init.Xavier(factor_type='sideways'), 'w_weight', (3, 3))


def test_seed_makes_initialization_repeatable():
    mx.random.seed(42)
    a = filled(mx.init.Xavier(), 'w_weight', (20, 30))
    mx.random.seed(42)
    b = filled(mx.init.Xavier(), 'w_weight', (20, 30))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [(6, 10), (10, 6), (4, 2, 3, 3)])
def test_orthogonal(shape):
    w = filled(mx.init.Orthogonal(scale=1.0), 'w_weight', shape).reshape(shape[0], -1)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(gram, np.eye(gram.shape[0]), atol=1e-5)
    w = filled(mx.init.Orthogonal(rand_type='normal'), 'w_weight', (3, 5))
    np.testing.assert_allclose(w @ w.T, 1.414 ** 2 * np.eye(3), atol=1e-4)


def test_constant_zero_one_lstm_bilinear():
    assert (filled(mx.init.Constant(0.25), 'w_weight', (2, 2)) == 0.25).all()
    value = np.arange(4, dtype=np.float32).reshape(2, 2)
    np.testing.assert_array_equal(filled(mx.init.Constant(mx.nd.array(value)), 'w_weight',
                                         (2, 2)), value)
    assert (filled(mx.init.Zero(), 'w_weight', (3,)) == 0).all()
    assert (filled(mx.init.One(), 'w_weight', (3,)) == 1).all()
    lstm = filled(mx.init.LSTMBias(forget_bias=2.0), 'lstm_bias', (8,),
                  {'__init__': mx.init.LSTMBias(forget_bias=2.0).dumps()})
    assert lstm.tolist() == [0, 0, 2, 2, 0, 0, 0, 0]
    bil = filled(mx.init.Bilinear(), 'up_weight', (1, 1, 4, 4))
    f, c = 2.0, (2 * 2.0 - 1 - 0) / 4.0
    row = 1 - np.abs(np.arange(4) / f - c)
    np.testing.assert_allclose(bil[0, 0], np.outer(row, row), rtol=1e-6)


def test_dumps_and_create():
    for init in (mx.init.Uniform(0.2), mx.init.Normal(0.5), mx.init.Xavier('gaussian', 'in', 2),
                 mx.init.MSRAPrelu('out', 0.1), mx.init.Orthogonal(2.0, 'normal'),
                 mx.init.Constant(3), mx.init.Zero(), mx.init.One(), mx.init.LSTMBias(0.5)):
        again = mx.init.create(init.dumps())
        assert type(again) is type(init) and again == init and again.dumps() == init.dumps()
    assert mx.init.Normal(0.5).dumps() == '["normal", {"sigma": 0.5}]'
    assert isinstance(mx.init.create('zeros'), mx.init.Zero)
    assert isinstance(mx.init.create('xavier', magnitude=2), mx.init.Xavier)
    with pytest.raises(ValueError, match="nosuch is not registered"):
        mx.init.create('nosuch')

    @mx.init.register
    class HalfInit(mx.init.Initializer):  # pylint: disable=unused-variable
        def _init_weight(self, _, arr):
            arr[:] = 0.5
    assert (filled(mx.init.create('halfinit'), 'w_weight', (2,)) == 0.5).all()
    assert (filled(mx.init.Uniform(), 'x', (2,), {'__init__': '["halfinit", {}]'}) == 0.5).all()


def test_mixed_and_load(tmp_path):
    mixed = mx.init.Mixed(['fc1', '.*'], [mx.init.Constant(1.5), mx.init.Constant(-1)])
    assert (filled(mixed, 'fc1_weight', (2,)) == 1.5).all()
    assert (filled(mixed, 'fc2_weight', (2,)) == -1).all()
    assert (filled(mixed, 'fc1_bias', (2,)) == 0).all()  # a bias is 0 whatever the initializer
    with pytest.raises(ValueError, match="did not match any pattern"):
        filled(mx.init.Mixed(['bias'], [mx.init.Zero()]), 'fc_weight', (2,))
    params = {'arg:fc_weight': mx.nd.ones((2, 3)) * 4, 'aux:bn_moving_mean': mx.nd.ones(3) * 5}
    path = str(tmp_path / "p.params")
    mx.nd.save(path, params)
    load = mx.init.Load(path, default_init=mx.init.Constant(9))
    assert (filled(load, 'fc_weight', (2, 3)) == 4).all()
    assert (filled(load, 'bn_moving_mean', (3,)) == 5).all()
    assert (filled(load, 'other_weight', (2,)) == 9).all()
    with pytest.raises(ValueError, match="Shape mismatch, target \\(3, 2\\) vs loaded \\(2, 3\\)"):
        filled(load, 'fc_weight', (3, 2))
    with pytest.raises(ValueError, match="Cannot Initialize missing_weight"):
        filled(mx.init.Load(params), 'missing_weight', (2,))


def test_legacy_string_call():
    arr = mx.nd.ones((3,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mx.init.Uniform()('bn_moving_var', arr)
        mx.init.Uniform()('stn_loc_bias', mx.nd.zeros((6,)))
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    assert (arr.asnumpy() == 1).all()
    with pytest.raises(TypeError, match="arr must be NDArray"):
        mx.init.Uniform()('w_weight', np.zeros(3))


INIT_CODE = """
inits = [mx.init.Uniform(0.2), mx.init.Normal(0.5), mx.init.Xavier('gaussian', 'in', 2.34),
         mx.init.MSRAPrelu('out', 0.1), mx.init.Orthogonal(2.0, 'normal'), mx.init.Constant(3),
         mx.init.Zero(), mx.init.One(), mx.init.LSTMBias(0.5), mx.init.Bilinear(),
         mx.init.Constant(mx.nd.array([[1, 2], [3, 4]]))]
out['dumps'] = [i.dumps() for i in inits]
out['created'] = [type(mx.init.create(d)).__name__ for d in out['dumps']]
names = ['fc_bias', 'bn_gamma', 'bn_beta', 'q_min', 'q_max']
for name in names:
    a = mx.nd.ones((4,)) * 7
    mx.init.Xavier()(mx.init.InitDesc(name), a)
    out['default_' + name] = a.asnumpy()
for k, (init, shape) in enumerate([(mx.init.Bilinear(), (2, 1, 4, 5)),
                                   (mx.init.LSTMBias(0.5), (12,)),
                                   (mx.init.Constant(mx.nd.array([[1, 2], [3, 4]])), (2, 2))]):
    a = mx.nd.zeros(shape)
    init(mx.init.InitDesc('x_weight'), a)
    out['fill_%d' % k] = a.asnumpy()
a = mx.nd.zeros((6,))
mx.init.Uniform()('stn_loc_bias', a)
out['stn'] = a.asnumpy()
"""


def test_init_matches_mxnet(mxnet, tmp_path):
    assert_same(run_here(INIT_CODE, mx, tmp_path), run_mxnet(INIT_CODE, tmp_path))
