"""test_async.py - asynchrony is real: an op returns before its result is
computed; asnumpy, wait_to_read and waitall wait; an error inside an async
op surfaces as MXNetError there, and the engine goes on afterwards."""
import threading
import time

import numpy as np
import pytest

import mxc as mx


def test_ops_return_before_they_run():
    x = mx.nd.ones((1200, 1200))
    x.wait_to_read()
    start = time.perf_counter()
    ys = [mx.nd.dot(x, x) for _ in range(6)]
    pushed = time.perf_counter() - start
    ys[-1].wait_to_read()
    mx.nd.waitall()
    total = time.perf_counter() - start
    # Six 1200^3 products take far longer than queuing them.
    assert pushed < total / 5, (pushed, total)
    assert ys[0].asnumpy()[0, 0] == 1200


def test_dependencies_are_kept():
    a = mx.nd.zeros((300, 300))
    for i in range(50):
        a += i
    b = a * 2
    a[:] = -1  # ordered after the reads of a by b
    np.testing.assert_array_equal(b.asnumpy(), np.full((300, 300), 2 * sum(range(50))))
    np.testing.assert_array_equal(a.asnumpy(), -np.ones((300, 300)))


def test_error_inside_an_op_surfaces_at_the_wait():
    a = mx.nd.ones((3, 3))
    bad = mx.nd.gather_nd(a, mx.nd.array([[5]]))  # returns: the kernel fails later
    with pytest.raises(mx.MXNetError, match="gather_nd.*out of bounds"):
        bad.asnumpy()
    # The engine goes on: later ops run normally.
    np.testing.assert_array_equal((a + 1).asnumpy(), np.full((3, 3), 2))
    bad = mx.nd.gather_nd(a, mx.nd.array([[7]]))
    with pytest.raises(mx.MXNetError, match="gather_nd"):
        bad.wait_to_read()
    bad = mx.nd.gather_nd(a, mx.nd.array([[9]]))
    with pytest.raises(mx.MXNetError, match="gather_nd"):
        mx.nd.waitall()
    mx.nd.waitall()  # reported once


def test_errors_propagate_to_dependent_ops():
    a = mx.nd.ones((3, 3))
    bad = mx.nd.gather_nd(a, mx.nd.array([[5]]))
    derived = (bad + 1) * 2
    with pytest.raises(mx.MXNetError, match="gather_nd"):
        derived.asnumpy()
    mx.nd.waitall()  # an error is reported once (MXNet 1.6+)


def test_waits_release_the_gil():
    x = mx.nd.ones((1500, 1500))
    y = mx.nd.dot(x, x)
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    y.wait_to_read()
    stop.set()
    t.join()
    assert ticks  # another Python thread ran during the wait


def test_synchronous_errors_raise_at_the_call():
    with pytest.raises(mx.MXNetError, match=r"broadcast_add.*\[2,3\].*\[3,2\]"):
        mx.nd.ones((2, 3)) + mx.nd.ones((3, 2))
