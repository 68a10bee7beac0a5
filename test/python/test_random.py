"""test_random.py - mx.nd.random samplers and mx.random.seed: MXNet's
signatures, distributions within statistical bounds, same seed -> same
numbers."""
import numpy as np
import pytest

import mxc as mx


def _draw():
    return [mx.nd.random.uniform(-1, 1, shape=(100,)).asnumpy(),
            mx.nd.random.normal(2, 3, shape=(2, 50)).asnumpy(),
            mx.nd.random.randint(0, 10, shape=(100,)).asnumpy(),
            mx.random.uniform(shape=(5,)).asnumpy()]


def test_same_seed_same_numbers():
    mx.random.seed(42)
    first = _draw()
    mx.random.seed(42)
    second = _draw()
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    mx.random.seed(43)
    third = _draw()
    assert not np.array_equal(first[0], third[0])


def test_seed_one_context():
    mx.random.seed(7, ctx=mx.cpu())
    x = mx.nd.random.uniform(shape=(10,)).asnumpy()
    mx.random.seed(7, ctx=mx.cpu(0))
    np.testing.assert_array_equal(mx.nd.random.uniform(shape=(10,)).asnumpy(), x)
    with pytest.raises(ValueError):
        mx.random.seed("7")


def test_distributions():
    mx.random.seed(0)
    u = mx.nd.random.uniform(2, 5, shape=(20000,)).asnumpy()
    assert u.dtype == np.float32 and u.min() >= 2 and u.max() < 5
    assert abs(u.mean() - 3.5) < 0.05
    n = mx.nd.random.normal(1, 2, shape=(20000,), dtype='float64').asnumpy()
    assert n.dtype == np.float64 and abs(n.mean() - 1) < 0.1 and abs(n.std() - 2) < 0.1
    r = mx.nd.random.randint(-3, 4, shape=(20000,)).asnumpy()
    assert r.dtype == np.int32 and r.min() == -3 and r.max() == 3
    assert mx.nd.random.uniform().shape == (1,)  # MXNet: shape 1 by default


def test_shuffle_is_a_permutation():
    x = mx.nd.array(np.arange(20).reshape(10, 2))
    y = mx.nd.random.shuffle(x).asnumpy()
    assert sorted(y[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(y[:, 1] - y[:, 0], np.ones(10))


def test_parameter_errors():
    with pytest.raises(TypeError, match="same type"):
        mx.nd.random.uniform(mx.nd.zeros(2), 1)
    with pytest.raises(ValueError, match="NDArray or numbers"):
        mx.nd.random.normal("a", 1)
