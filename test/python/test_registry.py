"""test_registry.py - mx.nd's op functions are generated from the op table
(one registry): names and aliases, MXNet's signatures and docstrings, out=
and name=, and attribute values sent as MXNet sends them."""
import inspect

import numpy as np
import pytest

import mxc as mx
from mxc import _registry


def test_every_op_and_alias_is_a_function():
    ops = _registry.ops()
    assert len(ops) > 200
    for name, info in _registry.all_names():
        sub, func = _registry.placement(name)
        module = getattr(mx.nd, sub) if sub != "op" else mx.nd.op
        assert callable(getattr(module, func)), name
    for name in ["Activation", "FullyConnected", "Convolution", "Pooling", "BatchNorm", "Flatten",
                 "Dropout", "Embedding", "SoftmaxOutput", "sum", "concat", "split", "stack",
                 "dot", "batch_dot", "topk", "one_hot", "pick", "cast", "where", "clip"]:
        assert callable(getattr(mx.nd, name)), name
    assert callable(mx.nd.linalg.gemm2) and callable(mx.nd._internal._plus_scalar)
    assert callable(mx.nd.random.uniform_like) and callable(mx.nd._internal._random_uniform)


def test_signatures_follow_mxnet():
    sig = inspect.signature(mx.nd.Activation)
    assert list(sig.parameters) == ["data", "act_type", "out", "name", "kwargs"]
    assert str(sig.parameters["data"].default) == "None"
    assert sig.parameters["act_type"].default is mx.base._Null
    fc = list(inspect.signature(mx.nd.FullyConnected).parameters)
    assert fc[:3] == ["data", "weight", "bias"] and "num_hidden" in fc and "no_bias" in fc
    assert str(inspect.signature(mx.nd.concat)) == "(*data, **kwargs)"


def test_docstrings_follow_mxnet():
    doc = mx.nd.Activation.__doc__
    assert doc.startswith("Applies an activation function element-wise")
    assert "Parameters\n----------\ndata : NDArray" in doc
    assert "act_type : {'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, required" in doc
    assert "out : NDArray, optional" in doc and "Returns\n-------" in doc
    assert "eps : float, optional, default='0.001'" in mx.nd.BatchNorm.__doc__
    assert "num_args" not in mx.nd.concat.__doc__


def test_out_and_name_keywords():
    a = mx.nd.array([[1, -2], [3, -4]])
    out = mx.nd.zeros((2, 2))
    assert mx.nd.relu(a, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), [[1, 0], [3, 0]])
    assert mx.nd.relu(a, name="ignored").shape == (2, 2)
    outs = [mx.nd.zeros((2, 1)), mx.nd.zeros((2, 1))]
    assert mx.nd.split(a, num_outputs=2, axis=1, out=outs) is outs
    np.testing.assert_array_equal(outs[1].asnumpy(), [[-2], [-4]])


def test_attribute_values_as_mxnet_writes_them():
    a = mx.nd.array(np.arange(12).reshape(3, 4))
    # bools, tuples, None, floats, dtypes (names and NumPy types), kwargs-only
    np.testing.assert_array_equal(mx.nd.sum(a, axis=(0, 1), keepdims=True).asnumpy(), [[66]])
    np.testing.assert_array_equal(mx.nd.sum(a, axis=None).asnumpy(), [66])
    assert mx.nd.cast(a, dtype=np.int32).dtype == np.int32
    assert mx.nd.cast(a, dtype='float16').dtype == np.float16
    assert mx.nd.cast(a, **{"dtype": np.float64}).dtype == np.float64
    np.testing.assert_allclose(mx.nd.clip(a, a_min=0.5, a_max=2.25).asnumpy().max(), 2.25)
    assert mx.nd.one_hot(mx.nd.array([1, 0]), depth=3, dtype=np.int64).dtype == np.int64


def test_argument_errors():
    with pytest.raises(TypeError, match="Argument data must have NDArray type"):
        mx.nd.relu(np.ones(2))
    with pytest.raises(TypeError, match="Positional arguments must have NDArray type"):
        mx.nd.concat(mx.nd.ones(2), [1, 2])
    with pytest.raises(mx.MXNetError, match="Cannot find argument 'bogus' in operator sum"):
        mx.nd.sum(mx.nd.ones(2), bogus=1)
    with pytest.raises(mx.MXNetError, match="act_type.*Activation|Activation.*act_type"):
        mx.nd.Activation(mx.nd.ones(2), act_type="bogus")
    with pytest.raises(mx.MXNetError, match="(?i)required.*num_hidden|num_hidden.*required"):
        mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones(4))
    with pytest.raises(mx.MXNetError, match=r"FullyConnected.*expected 3 inputs \(data, weight, "
                                            r"bias\), got 2"):
        mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), num_hidden=4)
    with pytest.raises(mx.MXNetError, match=r"FullyConnected: input 'weight': .*\[4,3\].*\(5,3\)"):
        mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), num_hidden=5, no_bias=True)
    with pytest.raises(mx.MXNetError, match="elemwise_add: input 'rhs': .*float32.*float16"):
        mx.nd.elemwise_add(mx.nd.ones(2), mx.nd.ones(2, dtype='float16'))


def test_attr_string_is_what_invoke_sends():
    a = mx.nd.array(np.arange(12).reshape(3, 4))
    for axis in [(0, 1), 1, None, [1], -1]:
        np.testing.assert_array_equal(
            mx.nd.sum(a, axis=axis, keepdims=True).asnumpy(),
            mx.nd.sum(a, axis=_registry.attr_string(axis),
                      keepdims=_registry.attr_string(True)).asnumpy())
    assert _registry.attr_string(0.9) == "0.9" and _registry.attr_string(None) == "None"


def test_parsed_attributes_are_reusable():
    op = mx._mxc.find_op("Activation")
    attrs = mx._mxc.parse_attrs(op, ["act_type"], ["relu"])
    x = mx.nd.array([-1, 2])
    for _ in range(3):
        np.testing.assert_array_equal(mx._mxc.invoke_attrs(attrs, [x]).asnumpy(), [0, 2])
    out = mx.nd.zeros(2)
    assert mx._mxc.invoke_attrs(attrs, [x], out=out) is out
    with pytest.raises(mx.MXNetError, match="act_type"):
        mx._mxc.parse_attrs(op, ["act_type"], ["bogus"])
    with pytest.raises(mx.MXNetError, match="no operator named 'nope'"):
        mx._mxc.find_op("nope")
