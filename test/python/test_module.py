"""test_module.py - mx.mod.Module: binding, parameters, one SGD step against
NumPy, training for real on Fashion-MNIST, score/predict with padding,
checkpoints exchanged with MXNet 1.9.1 both ways, the same training
trajectory as MXNet 1.9.1 from the same initial weights, data parallelism
over several contexts through the KVStore, fit's log lines, and errors."""
import logging
import os

import numpy as np
import pytest

import mxc as mx
from diff_runner import run_mxnet

FASHION = "/usr/share/datasets/fashion-mnist"

try:
    mx.sym.Variable  # pylint: disable=pointless-statement
    _SYMBOL = None
except AttributeError:
    _SYMBOL = "mx.sym is not in this build yet (branch h-symbol)"


def _compiled_modules():
    """Why bind cannot run here (None when it can)."""
    if _SYMBOL:
        return _SYMBOL
    try:
        x = mx.sym.Variable('x')
        (x * 2).simple_bind(mx.cpu(), x=(1,))
    except (mx.MXNetError, RuntimeError) as e:
        if "no compiled-module support" in str(e):
            return "bind is unavailable in this build: %s" % str(e).splitlines()[-1]
    return None


pytestmark = pytest.mark.skipif(_compiled_modules() is not None,
                                reason=str(_compiled_modules()))


def mlp(hidden=(32,), classes=4):
    x = mx.sym.Variable('data')
    for i, h in enumerate(hidden):
        x = mx.sym.FullyConnected(x, num_hidden=h, name='fc%d' % (i + 1))
        x = mx.sym.Activation(x, act_type='relu', name='relu%d' % (i + 1))
    x = mx.sym.FullyConnected(x, num_hidden=classes, name='out')
    return mx.sym.SoftmaxOutput(x, name='softmax')


def blobs(n=96, dim=8, classes=4, seed=0):
    """A separable toy problem: class c around a random center."""
    rng = np.random.RandomState(seed)
    centers = rng.randn(classes, dim) * 3
    y = rng.randint(0, classes, n)
    x = centers[y] + rng.randn(n, dim)
    return x.astype(np.float32), y.astype(np.float32)


def bound(net=None, batch=16, dim=8, **kwargs):
    mod = mx.mod.Module(net if net is not None else mlp(), **kwargs)
    mod.bind(data_shapes=[('data', (batch, dim))], label_shapes=[('softmax_label', (batch,))])
    return mod


# ---- names, binding, parameters --------------------------------------------------
def test_names_shapes_and_params():
    mod = mx.mod.Module(mlp())
    assert mod.data_names == ['data'] and mod.label_names == ['softmax_label']
    assert mod.output_names == ['softmax_output']
    assert not mod.binded and not mod.params_initialized
    mod.bind(data_shapes=[('data', (16, 8))], label_shapes=[('softmax_label', (16,))])
    assert mod.binded and mod.for_training
    assert mod.data_shapes == [mx.io.DataDesc('data', (16, 8))]
    assert mod.label_shapes[0].shape == (16,)
    assert mod.output_shapes == [('softmax_output', (16, 4))]
    mod.init_params(mx.init.Xavier())
    arg, aux = mod.get_params()
    assert sorted(arg) == ['fc1_bias', 'fc1_weight', 'out_bias', 'out_weight'] and aux == {}
    assert arg['fc1_weight'].shape == (32, 8) and arg['fc1_weight'].context == mx.cpu()
    assert (arg['fc1_bias'].asnumpy() == 0).all() and arg['fc1_weight'].asnumpy().std() > 0
    new = {k: mx.nd.ones(v.shape) * 0.5 for k, v in arg.items()}
    mod.set_params(new, {})
    assert (mod.get_params()[0]['out_weight'].asnumpy() == 0.5).all()
    with pytest.warns(UserWarning, match="already initialized"):
        mod.init_params()
    with pytest.raises(RuntimeError, match="out_bias is not presented"):
        mod.set_params({k: v for k, v in new.items() if k != 'out_bias'}, {})
    mod.set_params({k: v for k, v in new.items() if k != 'out_bias'}, {}, allow_missing=True)


def test_bad_names():
    with pytest.raises(ValueError, match="input with name 'pixels' is not found.*Did you mean "
                                         "one of:\n\tdata\n\tsoftmax_label"):
        mx.mod.Module(mlp(), data_names=['pixels'])
    mod = mx.mod.Module(mlp())
    with pytest.raises(ValueError, match="don't match names specified by data_names"):
        mod.bind(data_shapes=[('x', (4, 8))])


def test_one_sgd_step_against_numpy():
    """forward, backward and update of a linear softmax classifier, checked
    against the gradient of the mean cross-entropy written in NumPy."""
    x, y = blobs(16, 8, 4)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=4,
                                                     name='fc'), name='softmax')
    mod = bound(net)
    rng = np.random.RandomState(1)
    w0 = rng.randn(4, 8).astype(np.float32) * 0.1
    b0 = rng.randn(4).astype(np.float32) * 0.1
    mod.init_params(arg_params={'fc_weight': mx.nd.array(w0), 'fc_bias': mx.nd.array(b0)})
    mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.5})
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
    mod.forward_backward(batch)
    logits = x @ w0.T + b0
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), p, rtol=1e-5, atol=1e-6)
    mod.update()
    g = p - np.eye(4)[y.astype(int)]
    arg, _ = mod.get_params()
    # rescale_grad = 1/batch_size: the mean gradient
    np.testing.assert_allclose(arg['fc_weight'].asnumpy(), w0 - 0.5 * g.T @ x / 16, rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(arg['fc_bias'].asnumpy(), b0 - 0.5 * g.sum(0) / 16, rtol=1e-4,
                               atol=1e-5)


def test_input_grads_and_fixed_params():
    x, y = blobs(16)
    mod = mx.mod.Module(mlp(), fixed_param_names=['fc1_weight'])
    mod.bind(data_shapes=[('data', (16, 8))], label_shapes=[('softmax_label', (16,))],
             inputs_need_grad=True)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer_params={'learning_rate': 1.0})
    before = {k: v.copy() for k, v in mod.get_params()[0].items()}
    mod.forward_backward(mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)]))
    grad = mod.get_input_grads()[0].asnumpy()
    assert grad.shape == (16, 8) and np.abs(grad).sum() > 0
    mod.update()
    after = mod.get_params()[0]
    np.testing.assert_array_equal(after['fc1_weight'].asnumpy(), before['fc1_weight'].asnumpy())
    assert np.abs(after['out_weight'].asnumpy() - before['out_weight'].asnumpy()).max() > 0


# ---- fit, score, predict ---------------------------------------------------------
def test_fit_score_predict_and_logs(caplog):
    caplog.set_level(logging.INFO)
    x, y = blobs(100)
    train = mx.io.NDArrayIter(x, y, batch_size=16, shuffle=True)
    val = mx.io.NDArrayIter(x, y, batch_size=16)  # 100 = 6*16 + 4: the last batch pads 12
    mod = mx.mod.Module(mlp())
    mod.fit(train, eval_data=val, optimizer='sgd',
            optimizer_params={'learning_rate': 0.1, 'momentum': 0.9},
            initializer=mx.init.Xavier(), num_epoch=5, progress_bar=False)
    lines = [r.getMessage() for r in caplog.records]
    for epoch in range(5):
        assert any(l.startswith("Epoch[%d] Train-accuracy=" % epoch) for l in lines)
        assert any(l.startswith("Epoch[%d] Time cost=" % epoch) for l in lines)
        assert any(l.startswith("Epoch[%d] Validation-accuracy=" % epoch) for l in lines)
    (name, acc), = mod.score(val, 'acc')
    assert name == 'accuracy' and acc > 0.9
    probs = mod.predict(val)
    assert probs.shape == (100, 4)  # padding removed
    np.testing.assert_allclose(probs.asnumpy().sum(1), 1, rtol=1e-5)
    assert np.mean(probs.asnumpy().argmax(1) == y) == pytest.approx(acc, abs=1e-6)
    parts = mod.predict(val, merge_batches=False)
    assert len(parts) == 7 and parts[-1][0].shape == (4, 4)
    seen = [(out[0].shape[0], i) for out, i, _ in mod.iter_predict(val)]
    assert seen[-1] == (4, 6)
    direct = mod.predict(x[:16])
    np.testing.assert_allclose(direct.asnumpy(), probs.asnumpy()[:16], rtol=1e-5)


def test_fit_trains_fashion_mnist_for_real():
    """One epoch on a sixth of Fashion-MNIST: test accuracy far above chance."""
    if not os.path.exists(os.path.join(FASHION, "train-images-idx3-ubyte.gz")):
        pytest.skip("Fashion-MNIST is not installed (Debian's dataset-fashion-mnist)")
    train = mx.io.MNISTIter(image=os.path.join(FASHION, "train-images-idx3-ubyte.gz"),
                            label=os.path.join(FASHION, "train-labels-idx1-ubyte.gz"),
                            batch_size=100, flat=True, num_parts=6, silent=True)
    test = mx.io.MNISTIter(image=os.path.join(FASHION, "t10k-images-idx3-ubyte.gz"),
                           label=os.path.join(FASHION, "t10k-labels-idx1-ubyte.gz"),
                           batch_size=100, flat=True, shuffle=False, silent=True)
    mod = mx.mod.Module(mlp(hidden=(128,), classes=10))
    mod.fit(train, optimizer='sgd', optimizer_params={'learning_rate': 0.05, 'momentum': 0.9},
            initializer=mx.init.Xavier(), num_epoch=1, progress_bar=False)
    (_, acc), = mod.score(test, mx.metric.Accuracy())
    assert acc > 0.7, "test accuracy %.3f after one epoch (chance: 0.1)" % acc


# ---- checkpoints -----------------------------------------------------------------
def test_checkpoint_round_trip(tmp_path):
    x, y = blobs(32)
    mod = bound()
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer='sgd', optimizer_params={'momentum': 0.9})
    mod.forward_backward(mx.io.DataBatch([mx.nd.array(x[:16])], [mx.nd.array(y[:16])]))
    mod.update()
    prefix = str(tmp_path / "toy")
    mod.save_checkpoint(prefix, 3, save_optimizer_states=True)
    for f in ("toy-symbol.json", "toy-0003.params", "toy-0003.states"):
        assert (tmp_path / f).exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".mxc-")]  # no temporaries
    umask = os.umask(0o022)
    os.umask(umask)
    for f in ("toy-symbol.json", "toy-0003.params", "toy-0003.states"):  # not mkstemp's 0600
        assert (tmp_path / f).stat().st_mode & 0o777 == 0o666 & ~umask, f
    loaded = mx.mod.Module.load(prefix, 3, load_optimizer_states=True)
    loaded.bind(data_shapes=[('data', (16, 8))], label_shapes=[('softmax_label', (16,))])
    loaded.init_optimizer(optimizer='sgd', optimizer_params={'momentum': 0.9})
    for name, value in mod.get_params()[0].items():
        np.testing.assert_array_equal(loaded.get_params()[0][name].asnumpy(), value.asnumpy())
    batch = mx.io.DataBatch([mx.nd.array(x[16:])], [mx.nd.array(y[16:])])
    for m in (mod, loaded):  # the same next step: momentum states came back too
        m.forward_backward(batch)
        m.update()
    for name, value in mod.get_params()[0].items():
        np.testing.assert_allclose(loaded.get_params()[0][name].asnumpy(), value.asnumpy(),
                                   rtol=1e-6)
    sym, arg, aux = mx.model.load_checkpoint(prefix, 3)
    assert sym.tojson() == mod.symbol.tojson() and sorted(arg) == sorted(mod.get_params()[0])
    mod.save_params(str(tmp_path / "p.params"))
    other = bound()
    other.init_params()
    other.load_params(str(tmp_path / "p.params"))
    mx.nd.save(str(tmp_path / "bad.params"), {'weights:x': mx.nd.ones(1)})
    with pytest.raises(ValueError, match="Invalid param file .*bad.params: key 'weights:x'"):
        other.load_params(str(tmp_path / "bad.params"))


MXNET_SAVE = """
mx.random.seed(3)
np.random.seed(3)
data = mx.sym.Variable('data')
x = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, name='conv1')
x = mx.sym.BatchNorm(x, name='bn1')
x = mx.sym.Activation(x, act_type='relu')
x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='max')
x = mx.sym.FullyConnected(mx.sym.Flatten(x), num_hidden=5, name='fc')
net = mx.sym.SoftmaxOutput(x, name='softmax')
X = np.random.rand(40, 1, 8, 8).astype(np.float32)
Y = np.random.randint(0, 5, 40).astype(np.float32)
it = mx.io.NDArrayIter(X, Y, batch_size=8)
mod = mx.mod.Module(net)
mod.fit(it, num_epoch=2, optimizer_params={'learning_rate': 0.1}, initializer=mx.init.Xavier())
mod.save_checkpoint(tmp + '/theirs', 2)
out['X'] = X
out['pred'] = mod.predict(it).asnumpy()
"""

MXNET_LOAD = """
X = np.load(tmp + '/X.npy')
mod = mx.mod.Module.load(tmp + '/ours', 2)
mod.bind(data_shapes=[('data', X.shape)], for_training=False)
out['pred'] = mod.predict(mx.io.NDArrayIter(X, batch_size=len(X))).asnumpy()
out['aux'] = sorted(mod.get_params()[1])
"""


def test_checkpoints_exchange_with_mxnet(mxnet, tmp_path):
    """MXNet 1.9.1 trains a small CNN with BatchNorm and saves it; mxc loads
    it and predicts what MXNet predicted. mxc changes the weights and saves;
    MXNet loads that and predicts what mxc predicted."""
    theirs = run_mxnet(MXNET_SAVE, tmp_path)
    mod = mx.mod.Module.load(str(tmp_path / "theirs"), 2)
    mod.bind(data_shapes=[('data', (40, 1, 8, 8))], label_shapes=[('softmax_label', (40,))],
             for_training=False)
    it = mx.io.NDArrayIter(theirs['X'], np.zeros(40), batch_size=40)
    np.testing.assert_allclose(mod.predict(it).asnumpy(), theirs['pred'], rtol=1e-4, atol=1e-5)
    arg, aux = mod.get_params()
    arg = {k: v * 1.5 if k.endswith('weight') else v for k, v in arg.items()}
    aux = {k: v + 0.25 for k, v in aux.items()}
    mod.set_params(arg, aux)
    mod.save_checkpoint(str(tmp_path / "ours"), 2)
    np.save(str(tmp_path / "X.npy"), theirs['X'])
    ours = mod.predict(it).asnumpy()
    assert np.abs(ours - theirs['pred']).max() > 1e-3  # the change shows
    back = run_mxnet(MXNET_LOAD, tmp_path)
    assert back['aux'] == ['bn1_moving_mean', 'bn1_moving_var']
    np.testing.assert_allclose(back['pred'], ours, rtol=1e-4, atol=1e-5)


def test_mxnet_checkpoint_trains_on(mxnet, tmp_path):
    """A checkpoint of MXNet 1.9.1 resumes training here (begin_epoch) and
    MXNet loads the result."""
    theirs = run_mxnet(MXNET_SAVE, tmp_path)
    mod = mx.mod.Module.load(str(tmp_path / "theirs"), 2)
    train = mx.io.NDArrayIter(theirs['X'], theirs['pred'].argmax(1), batch_size=8)
    mod.fit(train, num_epoch=4, begin_epoch=2, optimizer_params={'learning_rate': 0.05},
            progress_bar=False)
    mod.save_checkpoint(str(tmp_path / "ours"), 2)
    np.save(str(tmp_path / "X.npy"), theirs['X'])
    ours = mod.predict(mx.io.NDArrayIter(theirs['X'], batch_size=8)).asnumpy()
    back = run_mxnet(MXNET_LOAD, tmp_path)
    np.testing.assert_allclose(back['pred'], ours, rtol=1e-4, atol=1e-5)


def test_predict_data_parallel_and_padding():
    """Inference over two contexts (work loads 1:3) gives what one context
    gives; predict drops the padding of the last batch."""
    x, _ = blobs(50)
    one = mx.mod.Module(mlp())
    one.bind(data_shapes=[('data', (16, 8))], label_shapes=[('softmax_label', (16,))],
             for_training=False)
    one.init_params(mx.init.Xavier())
    two = mx.mod.Module(mlp(), context=[mx.cpu(0), mx.cpu(1)], work_load_list=[1, 3])
    two.bind(data_shapes=[('data', (16, 8))], label_shapes=[('softmax_label', (16,))],
             for_training=False)
    two.set_params(*one.get_params())
    it = mx.io.NDArrayIter(x, batch_size=16)
    a, b = one.predict(it), two.predict(it)
    assert a.shape == (50, 4)
    np.testing.assert_allclose(b.asnumpy(), a.asnumpy(), rtol=1e-5, atol=1e-6)
    w = one.get_params()[0]
    h = np.maximum(x @ w['fc1_weight'].asnumpy().T + w['fc1_bias'].asnumpy(), 0)
    logits = h @ w['out_weight'].asnumpy().T + w['out_bias'].asnumpy()
    p = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(a.asnumpy(), p / p.sum(1, keepdims=True), rtol=1e-4, atol=1e-6)
    outs = two.get_outputs(merge_multi_context=False)
    assert [o.shape for o in outs[0]] == [(4, 4), (12, 4)]
    assert [o.context for o in outs[0]] == [mx.cpu(0), mx.cpu(1)]
    (_, acc), = one.score(mx.io.NDArrayIter(x, np.argmax(a.asnumpy(), 1), batch_size=16), 'acc')
    assert acc == 1.0


TRAJECTORY = """
w = np.load(tmp + '/init.npz')
X, Y = w['X'], w['Y']
data = mx.sym.Variable('data')
x = mx.sym.FullyConnected(data, num_hidden=16, name='fc1')
x = mx.sym.Activation(x, act_type='relu')
x = mx.sym.FullyConnected(x, num_hidden=4, name='fc2')
net = mx.sym.SoftmaxOutput(x, name='softmax')
mod = mx.mod.Module(net)
mod.bind(data_shapes=[('data', (16, 8))], label_shapes=[('softmax_label', (16,))])
mod.init_params(arg_params={k: mx.nd.array(w[k]) for k in
                            ('fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias')})
mod.fit(mx.io.NDArrayIter(X, Y, batch_size=16), num_epoch=3, optimizer='sgd',
        optimizer_params={'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.001},
        eval_metric='acc')
for k, v in mod.get_params()[0].items():
    out[k] = v.asnumpy()
"""


def test_training_trajectory_matches_mxnet(mxnet, tmp_path):
    """Three epochs of SGD with momentum and weight decay from the same
    weights on the same batches end at the same weights as MXNet 1.9.1."""
    x, y = blobs(64)
    rng = np.random.RandomState(5)
    init = {'fc1_weight': rng.randn(16, 8) * 0.3, 'fc1_bias': rng.randn(16) * 0.1,
            'fc2_weight': rng.randn(4, 16) * 0.3, 'fc2_bias': rng.randn(4) * 0.1}
    init = {k: v.astype(np.float32) for k, v in init.items()}
    np.savez(str(tmp_path / "init.npz"), X=x, Y=y, **init)
    theirs = run_mxnet(TRAJECTORY, tmp_path)
    env = {"mx": mx, "np": np, "tmp": str(tmp_path), "out": {}}
    exec(TRAJECTORY.replace("eval_metric='acc')", "eval_metric='acc', progress_bar=False)"),
         env)  # noqa: S102  pylint: disable=exec-used
    for k in init:
        np.testing.assert_allclose(env["out"][k], theirs[k], rtol=1e-4, atol=1e-5, err_msg=k)


# ---- data parallelism ------------------------------------------------------------
@pytest.mark.parametrize("kvstore", ['local', 'device'])
def test_data_parallel_matches_one_device(kvstore):
    """A batch split over cpu(0) and cpu(1) (work loads 1:3), gradients
    summed through the KVStore, takes the same step as the whole batch on
    one device. (Without a KVStore, MXNet 1.9.1 updates each device's copy
    with that device's gradient alone: the copies drift apart, there.)"""
    x, y = blobs(32)
    batch = mx.io.DataBatch([mx.nd.array(x[:16])], [mx.nd.array(y[:16])])
    mods = [bound(), bound(context=[mx.cpu(0), mx.cpu(1)], work_load_list=[1, 3])]
    mods[0].init_params(mx.init.Xavier())
    arg = {k: v.copy() for k, v in mods[0].get_params()[0].items()}
    mods[1].init_params(arg_params=arg)
    slices = mods[1]._exec_group.slices  # pylint: disable=protected-access
    assert [s.stop - s.start for s in slices] == [4, 12]
    for i, mod in enumerate(mods):
        mod.init_optimizer(kvstore=kvstore if i else 'local', optimizer='sgd',
                           optimizer_params={'learning_rate': 0.2, 'momentum': 0.9})
        for _ in range(3):
            mod.forward_backward(batch)
            mod.update()
    np.testing.assert_allclose(mods[1].get_outputs()[0].asnumpy(),
                               mods[0].get_outputs()[0].asnumpy(), rtol=1e-4, atol=1e-6)
    for name, value in mods[0].get_params()[0].items():
        np.testing.assert_allclose(mods[1].get_params()[0][name].asnumpy(), value.asnumpy(),
                                   rtol=1e-4, atol=1e-6, err_msg=name)
    assert mods[1]._kvstore is not None  # pylint: disable=protected-access
    assert mods[1]._update_on_kvstore  # pylint: disable=protected-access


def test_fit_on_two_contexts():
    x, y = blobs(96)
    mod = mx.mod.Module(mlp(), context=[mx.cpu(0), mx.cpu(1)])
    it = mx.io.NDArrayIter(x, y, batch_size=16, shuffle=True)
    mod.fit(it, optimizer_params={'learning_rate': 0.1, 'momentum': 0.9},
            initializer=mx.init.Xavier(), num_epoch=5, progress_bar=False)
    assert mod.score(mx.io.NDArrayIter(x, y, batch_size=16), 'acc')[0][1] > 0.9
    outs = mod.get_outputs(merge_multi_context=False)
    assert [o.context for o in outs[0]] == [mx.cpu(0), mx.cpu(1)]
    assert mod.get_params()[0]['out_weight'].context == mx.cpu()
