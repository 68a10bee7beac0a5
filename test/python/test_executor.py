"""test_executor.py - Executor.backward through compiled modules: MXNet's
grad_req (write overwrites, add accumulates in the bound array, null
computes nothing) against NumPy, and head gradients of outputs that are
not loss layers (one per output as MXNet's callers give them, a dict by
output name, missing ones refused)."""
import numpy as np
import pytest

import mxc as mx


def fc(num_hidden=3):
    return mx.sym.FullyConnected(mx.sym.Variable('x'), num_hidden=num_hidden, name='fc')


def arrays(rng, **shapes):
    return {n: mx.nd.array(rng.uniform(-1, 1, s).astype(np.float32)) for n, s in shapes.items()}


def test_grad_req_write_add_null():
    rng = np.random.RandomState(0)
    args = arrays(rng, x=(4, 5), fc_weight=(3, 5), fc_bias=(3,))
    grads = arrays(rng, fc_weight=(3, 5), fc_bias=(3,))
    bias0 = grads['fc_bias'].asnumpy()
    exe = fc().bind(mx.cpu(), args, args_grad=grads,
                    grad_req={'x': 'null', 'fc_weight': 'write', 'fc_bias': 'add'})
    assert exe.grad_dict['x'] is None
    dy = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
    for step in (1, 2):
        exe.forward(is_train=True)
        exe.backward(mx.nd.array(dy))
        np.testing.assert_allclose(exe.grad_dict['fc_weight'].asnumpy(),
                                   dy.T @ args['x'].asnumpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(exe.grad_dict['fc_bias'].asnumpy(),
                                   bias0 + step * dy.sum(axis=0), rtol=1e-5, atol=1e-6)


def test_head_gradients_per_output_and_by_name():
    """A group of a loss output and a plain one: MXNet's callers give one
    head gradient per output (the loss's is ignored) or a dict."""
    rng = np.random.RandomState(1)
    net = fc(4)
    group = mx.sym.Group([mx.sym.SoftmaxOutput(net, name='softmax'), mx.sym.sum(net, name='s')])
    args = arrays(rng, x=(2, 5), fc_weight=(4, 5), fc_bias=(4,))
    args['softmax_label'] = mx.nd.array([1, 3])
    exe = group.simple_bind(mx.cpu(), x=(2, 5), softmax_label=(2,),
                            grad_req={'fc_weight': 'write', 'fc_bias': 'write'})
    exe.copy_params_from(args)
    exe.forward(is_train=True)
    p = exe.outputs[0].asnumpy()
    onehot = np.eye(4, dtype=np.float32)[[1, 3]]
    # d/dlogits: softmax - onehot (the loss) + the head gradient of sum: 2.
    want = ((p - onehot) + 2.0).sum(axis=0)
    exe.backward([mx.nd.zeros((2, 4)), mx.nd.array([2.0])])
    np.testing.assert_allclose(exe.grad_dict['fc_bias'].asnumpy(), want, rtol=1e-5, atol=1e-6)
    exe.backward({'s_output': mx.nd.array([2.0])})
    np.testing.assert_allclose(exe.grad_dict['fc_bias'].asnumpy(), want, rtol=1e-5, atol=1e-6)
    with pytest.raises(mx.MXNetError, match="head gradient"):
        exe.backward()


@pytest.mark.parametrize("case", ["lp_pooling", "uint8_add", "uint8_max"])
def test_configurations_a_lowering_declines_run_the_runtime_kernel(case):
    # The Pooling lowering declines pool_type='lp' and the elementwise ones
    # unsigned dtypes; those kernels call the runtime's CPU kernel instead,
    # so the executor computes what mx.nd does.
    x = mx.sym.Variable('x')
    rng = np.random.RandomState(1)
    if case == "lp_pooling":
        sym = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='lp', p_value=2)
        data = mx.nd.array(rng.uniform(-1, 1, (2, 3, 6, 6)).astype(np.float32))
        want = mx.nd.Pooling(data, kernel=(2, 2), stride=(2, 2), pool_type='lp', p_value=2)
    else:
        data = mx.nd.array(rng.randint(0, 120, (4, 5)), dtype='uint8')
        sym, want = (x + x, data + data) if case == "uint8_add" else \
            (mx.sym.maximum(x, x * 2), mx.nd.maximum(data, data * 2))
    exe = sym.simple_bind(mx.cpu(), grad_req='null', type_dict={'x': data.dtype}, x=data.shape)
    exe.forward(is_train=False, x=data)
    got = exe.outputs[0]
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-6, atol=1e-6)


def test_rrelu_training_runs_the_runtime_kernel_with_the_executors_random_state():
    # The LeakyReLU lowering declines rrelu (random slopes while training):
    # its kernels run the runtime's, drawing from the executor's random
    # state. MXNet's semantics: training draws a slope per element in
    # [lower, upper] and the gradient is that slope; inference uses their mean.
    x = mx.sym.Variable('x')
    sym = mx.sym.LeakyReLU(x, act_type='rrelu', lower_bound=0.1, upper_bound=0.3)
    data = mx.nd.array(np.random.RandomState(2).uniform(-1, 1, (4, 50)).astype(np.float32))
    xs = data.asnumpy()
    neg = xs < 0
    exe = sym.simple_bind(mx.cpu(), x=data.shape)
    exe.forward(is_train=False, x=data)
    np.testing.assert_allclose(exe.outputs[0].asnumpy()[neg] / xs[neg], 0.2, rtol=1e-5)
    exe.forward(is_train=True, x=data)
    out = exe.outputs[0].asnumpy()
    np.testing.assert_array_equal(out[~neg], xs[~neg])
    slopes = out[neg] / xs[neg]
    assert slopes.min() >= 0.1 - 1e-6 and slopes.max() <= 0.3 + 1e-6
    assert len(np.unique(np.round(slopes, 5))) > len(slopes) // 2  # drawn, not one slope
    exe.backward([mx.nd.ones(data.shape), mx.nd.zeros(data.shape)])
    grad = exe.grad_dict['x'].asnumpy()
    np.testing.assert_array_equal(grad[~neg], 1)
    np.testing.assert_allclose(grad[neg], slopes, rtol=1e-5)
