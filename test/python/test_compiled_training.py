"""test_compiled_training.py - training through compiled modules, end to end.

- 100 steps of SGD on random data through a compiled MLP (forward,
  backward, mx.nd.sgd_update on the bound arrays) follow the same steps
  computed in NumPy (float64): the same loss at every step, within the
  drift of float32 arithmetic, and the loss decreases.
- Memory planning never changes results: the models of test/data/models
  compiled with and without planning (`--no-plan-memory`) give bitwise
  equal outputs and gradients on the same arrays.
"""
import os

import numpy as np
import pytest

import mxc as mx
from mxc.symbol import bind as bind_module

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "models")


def mlp():
    net = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(net, num_hidden=32, name="fc1")
    net = mx.sym.Activation(net, act_type="relu", name="relu1")
    net = mx.sym.FullyConnected(net, num_hidden=16, name="fc2")
    net = mx.sym.Activation(net, act_type="relu", name="relu2")
    net = mx.sym.FullyConnected(net, num_hidden=10, name="fc3")
    return mx.sym.SoftmaxOutput(net, name="softmax")


class NumpyMLP(object):
    """The same network and SGD step in float64 NumPy (MXNet's
    SoftmaxOutput gradient: softmax - onehot, not divided by the batch;
    the update scales it by rescale_grad)."""

    def __init__(self, params):
        self.p = {k: v.astype(np.float64) for k, v in params.items()}

    def step(self, x, y, lr, rescale):
        p = self.p
        h1 = np.maximum(x @ p["fc1_weight"].T + p["fc1_bias"], 0)
        h2 = np.maximum(h1 @ p["fc2_weight"].T + p["fc2_bias"], 0)
        z = h2 @ p["fc3_weight"].T + p["fc3_bias"]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        prob = e / e.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(prob[np.arange(len(y)), y]))
        dz = prob.copy()
        dz[np.arange(len(y)), y] -= 1
        g = {"fc3_weight": dz.T @ h2, "fc3_bias": dz.sum(0)}
        d2 = (dz @ p["fc3_weight"]) * (h2 > 0)
        g.update(fc2_weight=d2.T @ h1, fc2_bias=d2.sum(0))
        d1 = (d2 @ p["fc2_weight"]) * (h1 > 0)
        g.update(fc1_weight=d1.T @ x, fc1_bias=d1.sum(0))
        for k in p:
            p[k] -= lr * rescale * g[k]
        return loss


def test_100_sgd_steps_follow_numpy():
    rng = np.random.RandomState(3)
    batch, features, lr = 16, 20, 0.1
    x = rng.uniform(-1, 1, (batch, features)).astype(np.float32)
    y = rng.randint(0, 10, batch)
    exe = mlp().simple_bind(mx.cpu(), data=(batch, features), grad_req={
        n: "write" for n in ("fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias", "fc3_weight",
                             "fc3_bias")})
    params = {}
    for name, arr in exe.arg_dict.items():
        if name.endswith("weight"):
            params[name] = rng.normal(0, 0.3, arr.shape).astype(np.float32)
        elif name.endswith("bias"):
            params[name] = np.zeros(arr.shape, np.float32)
    exe.copy_params_from({k: mx.nd.array(v) for k, v in params.items()})
    exe.arg_dict["data"][:] = x
    exe.arg_dict["softmax_label"][:] = y.astype(np.float32)
    ref = NumpyMLP(params)
    ours, theirs = [], []
    for _ in range(100):
        exe.forward(is_train=True)
        prob = exe.outputs[0].asnumpy().astype(np.float64)
        ours.append(-np.mean(np.log(prob[np.arange(batch), y])))
        exe.backward()
        for name in params:
            mx.nd.sgd_update(exe.arg_dict[name], exe.grad_dict[name], lr=lr,
                             rescale_grad=1.0 / batch, out=exe.arg_dict[name])
        theirs.append(ref.step(x.astype(np.float64), y, lr, 1.0 / batch))
    np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=1e-5)
    assert ours[-1] < 0.5 * ours[0], (ours[0], ours[-1])
    for name in params:
        np.testing.assert_allclose(exe.arg_dict[name].asnumpy(), ref.p[name], rtol=1e-3,
                                   atol=1e-4, err_msg=name)


@pytest.mark.parametrize("model,shapes", [
    ("mlp", {"data": (4, 784), "softmax_label": (4,)}),
    ("lenet", {"data": (2, 1, 28, 28), "softmax_label": (2,)}),
    ("resnet18_v1", {"data": (2, 3, 32, 32)}),
])
def test_planning_never_changes_results(model, shapes):
    sym = mx.sym.load(os.path.join(MODELS, model + "-symbol.json"))
    rng = np.random.RandomState(5)
    saved = bind_module.COMPILE_OPTIONS
    results = []
    try:
        for options in ("--train", "--train --no-plan-memory"):
            bind_module.COMPILE_OPTIONS = options
            exe = sym.simple_bind(mx.cpu(), **shapes)
            state = np.random.RandomState(7)
            for name, arr in list(exe.arg_dict.items()) + list(exe.aux_dict.items()):
                if name.endswith("label"):
                    arr[:] = state.randint(0, 10, arr.shape).astype(np.float32)
                elif name.endswith("var"):
                    arr[:] = state.uniform(0.5, 1.5, arr.shape).astype(np.float32)
                else:
                    arr[:] = state.uniform(-0.5, 0.5, arr.shape).astype(np.float32)
            exe.forward(is_train=True)
            heads = [mx.nd.array(rng.uniform(-1, 1, o.shape).astype(np.float32))
                     for o in exe.outputs]
            rng = np.random.RandomState(5)  # the same head gradients for both
            exe.backward(heads)
            results.append(([o.asnumpy() for o in exe.outputs],
                            {k: g.asnumpy() for k, g in exe.grad_dict.items() if g is not None}))
    finally:
        bind_module.COMPILE_OPTIONS = saved
    (planned_out, planned_grads), (plain_out, plain_grads) = results
    for a, b in zip(planned_out, plain_out):
        np.testing.assert_array_equal(a, b)
    assert planned_grads.keys() == plain_grads.keys()
    for name in planned_grads:
        np.testing.assert_array_equal(planned_grads[name], plain_grads[name], err_msg=name)
