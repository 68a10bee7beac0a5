"""test_mxnet_parity.py - mx.nd functions of mxc against MXNet 1.9.1 itself on
a few hundred generated (op, shape, dtype, attributes) cases.

The cases are drawn from a fixed seed; the inputs go to MXNet's interpreter
as an .npz file (exact values), every case runs there in one subprocess
(mxnet_helper.py ops) and here, and each case is one test: same error-or-not,
same shape, same dtype, values equal within a dtype-dependent tolerance.
"""
import numpy as np
import pytest

import mxc as mx

RNG = np.random.RandomState(20261125)
FLOATS = ["float32", "float64", "float16"]
SHAPES = [(5,), (3, 4), (2, 3, 4), (2, 1, 3), (1, 4), (2, 3, 2, 2)]


def _rand(shape, dtype, low=-3.0, high=3.0):
    if np.dtype(dtype).kind in "iu":
        lo = 0 if np.dtype(dtype).kind == "u" else int(low)
        return RNG.randint(lo, int(high) + 1, size=shape).astype(dtype)
    return RNG.uniform(low, high, size=shape).astype(dtype)


def _shape():
    return SHAPES[RNG.randint(len(SHAPES))]


def _dtype(choices=FLOATS):
    return choices[RNG.randint(len(choices))]


def _cases():
    cases = []

    def add(fn, inputs, kwargs=""):
        cases.append((fn, inputs, "dict(%s)" % kwargs))

    unary = {"abs": None, "exp": (-2, 2), "log": (0.1, 5), "log1p": (0, 5), "expm1": (-2, 2),
             "sqrt": (0, 9), "rsqrt": (0.2, 9), "square": None, "sin": None, "cos": None,
             "tanh": None, "sigmoid": None, "relu": None, "sign": None, "round": None,
             "floor": None, "ceil": None, "negative": None, "reciprocal": (0.5, 3),
             "trunc": None, "fix": None, "rint": None, "log2": (0.1, 5), "log10": (0.1, 5),
             "cbrt": (0.1, 5), "arctan": None, "sinh": (-2, 2), "cosh": (-2, 2)}
    for fn, rng in unary.items():
        for _ in range(3):
            low, high = rng or (-3, 3)
            add(fn, [_rand(_shape(), _dtype(), low, high)])
    for fn in ["abs", "square", "sign", "negative", "relu"]:
        add(fn, [_rand(_shape(), _dtype(["int32", "int64"]))])

    bshapes = [((3, 4), (3, 4)), ((3, 4), (1, 4)), ((2, 3, 4), (3, 1)), ((2, 1, 3), (1, 4, 1)),
               ((5,), (1,)), ((2, 3), (2, 3))]
    for fn in ["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
               "broadcast_maximum", "broadcast_minimum", "broadcast_power", "broadcast_equal",
               "broadcast_not_equal", "broadcast_greater", "broadcast_lesser_equal",
               "broadcast_mod", "broadcast_hypot", "add", "subtract", "multiply", "divide",
               "maximum", "minimum", "power", "modulo"]:
        for _ in range(3):
            sa, sb = bshapes[RNG.randint(len(bshapes))]
            dt = _dtype(FLOATS + ["int32"]) if "div" not in fn and "power" not in fn \
                and "mod" not in fn and "hypot" not in fn else _dtype()
            lo = 0.5 if ("power" in fn or "div" in fn or "mod" in fn) else -3
            add(fn, [_rand(sa, dt, lo, 3), _rand(sb, dt, lo, 3)])
    for fn in ["elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div"]:
        for _ in range(2):
            s, dt = _shape(), _dtype()
            add(fn, [_rand(s, dt, 0.5, 3), _rand(s, dt, 0.5, 3)])

    for fn in ["sum", "mean", "max", "min", "prod", "nansum"]:
        for _ in range(4):
            s = _shape()
            axis = ["", "axis=0", "axis=-1", "axis=(0, %d)" % (len(s) - 1),
                    "axis=1, keepdims=True" if len(s) > 1 else "keepdims=True",
                    "axis=0, exclude=True"][RNG.randint(6)]
            add(fn, [_rand(s, _dtype(["float32", "float64"]), -2, 2)], axis)
    for fn in ["argmax", "argmin"]:
        for _ in range(3):
            s = _shape()
            add(fn, [_rand(s, "float32")], ["axis=0", "axis=-1", "axis=0, keepdims=True"][
                RNG.randint(3)])
    for _ in range(4):
        s = _shape()
        add("norm", [_rand(s, "float32")], ["", "ord=1", "axis=0", "ord=2, axis=-1, "
                                            "keepdims=True"][RNG.randint(4)])

    for _ in range(6):
        m, k, n = RNG.randint(1, 6, size=3)
        ta, tb = RNG.randint(2, size=2)
        a = _rand((k, m) if ta else (m, k), "float32")
        b = _rand((n, k) if tb else (k, n), "float32")
        add("dot", [a, b], "transpose_a=%s, transpose_b=%s" % (bool(ta), bool(tb)))
    add("dot", [_rand((2, 3, 4), "float64"), _rand((4, 5), "float64")])
    for _ in range(4):
        bsz, m, k, n = RNG.randint(1, 5, size=4)
        add("batch_dot", [_rand((bsz, m, k), "float32"), _rand((bsz, k, n), "float32")])
    add("batch_dot", [_rand((2, 3, 4), "float32"), _rand((2, 5, 4), "float32")],
        "transpose_b=True")

    for _ in range(4):
        s = _shape()
        add("topk", [_rand(s, "float32")], ["k=2", "k=1, ret_typ='value'",
                                             "axis=0, k=1, is_ascend=True",
                                             "k=2, ret_typ='both'"][RNG.randint(4)])
        add("sort", [_rand(s, "float32")], ["", "axis=0", "is_ascend=False"][RNG.randint(3)])
        add("argsort", [_rand(s, "float32")], ["", "axis=0", "is_ascend=False"][RNG.randint(3)])

    for _ in range(3):
        s = (2, 3)
        add("concat", [_rand(s, "float32"), _rand((2, 2), "float32")], "dim=1")
        add("concat", [_rand(s, "float32"), _rand(s, "float32"), _rand((1, 3), "float32")],
            "dim=0")
        add("stack", [_rand(s, "float32"), _rand(s, "float32")], "axis=%d" % RNG.randint(3))
    add("split", [_rand((4, 6), "float32")], "num_outputs=3, axis=1")
    add("split", [_rand((4, 6), "float32")], "num_outputs=4, axis=0, squeeze_axis=True")
    for _ in range(3):
        s = _shape()
        add("where", [(_rand(s, "float32") > 0).astype("float32"), _rand(s, "float32"),
                      _rand(s, "float32")])
        add("clip", [_rand(s, _dtype())], "a_min=-1, a_max=1.5")
    for fn in ["softmax", "log_softmax"]:
        for _ in range(3):
            s = _shape()
            add(fn, [_rand(s, _dtype(["float32", "float64"]))],
                ["", "axis=0", "axis=-1, temperature=2.0"][RNG.randint(3)])
    for _ in range(3):
        add("one_hot", [RNG.randint(0, 5, size=_shape()).astype("float32")],
            "depth=5" + [", on_value=2, off_value=-1", ", dtype='int32'", ""][RNG.randint(3)])
        s = (3, 4)
        add("pick", [_rand(s, "float32"), RNG.randint(0, 4, size=(3,)).astype("float32")],
            ["", "axis=1, keepdims=True"][RNG.randint(2)])
        add("cast", [_rand(_shape(), "float32", -100, 100)],
            "dtype='%s'" % ["int32", "float16", "float64", "uint8", "int64"][RNG.randint(5)])

    for act in ["relu", "sigmoid", "tanh", "softrelu", "softsign"]:
        add("Activation", [_rand(_shape(), "float32")], "act_type='%s'" % act)
    for _ in range(4):
        bsz, k, n = RNG.randint(1, 6, size=3)
        nb = bool(RNG.randint(2))
        ins = [_rand((bsz, k), "float32"), _rand((n, k), "float32")]
        if not nb:
            ins.append(_rand((n,), "float32"))
        add("FullyConnected", ins, "num_hidden=%d, no_bias=%s" % (n, nb))
    add("FullyConnected", [_rand((2, 3, 4), "float32"), _rand((5, 12), "float32"),
                           _rand((5,), "float32")], "num_hidden=5")
    add("FullyConnected", [_rand((2, 3, 4), "float32"), _rand((5, 4), "float32"),
                           _rand((5,), "float32")], "num_hidden=5, flatten=False")
    for k, stride, pad in [(3, 1, 0), (3, 2, 1), (1, 1, 0), (2, 2, 0)]:
        add("Convolution", [_rand((2, 3, 7, 7), "float32"), _rand((4, 3, k, k), "float32"),
                            _rand((4,), "float32")],
            "kernel=(%d, %d), stride=(%d, %d), pad=(%d, %d), num_filter=4"
            % (k, k, stride, stride, pad, pad))
    add("Convolution", [_rand((1, 4, 6, 6), "float32"), _rand((4, 2, 3, 3), "float32")],
        "kernel=(3, 3), num_filter=4, num_group=2, no_bias=True")
    add("Convolution", [_rand((2, 2, 9), "float32"), _rand((3, 2, 3), "float32"),
                        _rand((3,), "float32")], "kernel=(3,), num_filter=3")
    for pool in ["max", "avg", "sum"]:
        add("Pooling", [_rand((2, 3, 6, 6), "float32")],
            "kernel=(2, 2), stride=(2, 2), pool_type='%s'" % pool)
        add("Pooling", [_rand((1, 2, 5, 5), "float32")],
            "kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type='%s'" % pool)
    add("Pooling", [_rand((2, 3, 5, 5), "float32")], "global_pool=True, pool_type='max', "
        "kernel=(1, 1)")
    for fix in [True, False]:
        add("BatchNorm", [_rand((2, 3, 4, 4), "float32"), _rand((3,), "float32", 0.5, 2),
                          _rand((3,), "float32"), _rand((3,), "float32"),
                          _rand((3,), "float32", 0.5, 2)], "fix_gamma=%s" % fix)
    add("Flatten", [_rand((2, 3, 4), "float32")])
    add("Dropout", [_rand((3, 4), "float32")], "p=0.5")  # inference: identity
    add("Embedding", [RNG.randint(0, 10, size=(2, 3)).astype("float32"),
                      _rand((10, 4), "float32")], "input_dim=10, output_dim=4")
    add("SoftmaxOutput", [_rand((3, 5), "float32"),
                          RNG.randint(0, 5, size=(3,)).astype("float32")])

    for _ in range(3):
        s = _shape()
        add("transpose", [_rand(s, _dtype())])
        add("expand_dims", [_rand(s, "float32")], "axis=%d" % RNG.randint(len(s) + 1))
        add("tile", [_rand(s, "float32")], "reps=(2, 1)")
        add("repeat", [_rand(s, "float32")], "repeats=2, axis=0")
        add("flip", [_rand(s, "float32")], "axis=0")
        add("reshape", [_rand((2, 3, 4), "float32")],
            "shape=%s" % ["(-1,)", "(4, -1)", "(0, -1)", "(-3, 4)", "(-4, 1, 2, -2)"][
                RNG.randint(5)])
    add("slice", [_rand((4, 5), "float32")], "begin=(1, None), end=(3, None)")
    add("slice", [_rand((4, 5), "float32")], "begin=(None, 4), end=(None, 0), step=(2, -2)")
    add("slice_axis", [_rand((4, 5), "float32")], "axis=1, begin=1, end=-1")
    add("take", [_rand((5, 3), "float32"), RNG.randint(0, 5, size=(2, 2)).astype("float32")])
    add("take", [_rand((5, 3), "float32"), np.array([-1, 7], "float32")], "mode='wrap'")
    add("squeeze", [_rand((2, 1, 3, 1), "float32")])
    add("swapaxes", [_rand((2, 3, 4), "float32")], "dim1=0, dim2=2")
    add("broadcast_to", [_rand((1, 3), "float32")], "shape=(4, 3)")
    add("broadcast_axis", [_rand((1, 3, 1), "float32")], "axis=(0, 2), size=(2, 4)")
    add("pad", [_rand((1, 2, 3, 3), "float32")],
        "mode='edge', pad_width=(0, 0, 0, 0, 1, 2, 2, 1)")
    add("smooth_l1", [_rand((3, 4), "float32")], "scalar=1.0")
    add("add_n", [_rand((2, 3), "float32"), _rand((2, 3), "float32"), _rand((2, 3), "float32")])
    # Errors must be errors in both.
    add("dot", [_rand((2, 3), "float32"), _rand((2, 3), "float32")])
    add("broadcast_add", [_rand((2, 3), "float32"), _rand((3, 2), "float32")])
    add("Activation", [_rand((2,), "float32")], "act_type='bogus'")
    add("sum", [_rand((2, 3), "float32")], "axis=5")
    return cases


CASES = _cases()
TOLERANCE = {"float16": 2e-2, "float32": 1e-4, "float64": 1e-9}


@pytest.fixture(scope="module")
def reference(mxnet, tmp_path_factory):
    d = tmp_path_factory.mktemp("parity")
    arrays = {}
    for i, (_, inputs, _) in enumerate(CASES):
        for j, x in enumerate(inputs):
            arrays["c%d_%d" % (i, j)] = x
    np.savez(d / "in.npz", **arrays)
    res = mxnet.run("ops", {"in": str(d / "in.npz"), "out": str(d / "out.npz"),
                            "cases": [{"fn": fn, "nin": len(ins), "kwargs": kw}
                                      for fn, ins, kw in CASES]})
    with np.load(d / "out.npz") as f:
        outs = {k: f[k] for k in f.files}
    return outs, {int(k): v for k, v in res["errors"].items()}


def _case_id(case):
    fn, inputs, kw = case
    return "%s-%s-%s-%s" % (fn, "x".join(str(x.shape) for x in inputs),
                            inputs[0].dtype if inputs else "", kw[5:-1])


def test_case_count():
    assert len(CASES) >= 250


@pytest.mark.parametrize("index", range(len(CASES)), ids=[_case_id(c) for c in CASES])
def test_matches_mxnet(reference, index):
    outs, errors = reference
    fn, inputs, kwargs = CASES[index]
    args = [mx.nd.array(x, dtype=x.dtype) for x in inputs]
    try:
        res = getattr(mx.nd, fn)(*args, **eval(kwargs))  # noqa: S307
        res = res if isinstance(res, (list, tuple)) else [res]
        got = [r.asnumpy() for r in res]
    except mx.MXNetError:
        if index not in errors:  # mxc failed where MXNet did not
            raise
        return
    assert index not in errors, "MXNet failed (%s) where mxc did not" % errors.get(index)
    want = [outs["c%d_o%d" % (index, k)] for k in range(len(got))]
    assert "c%d_o%d" % (index, len(got)) not in outs, "MXNet returned more outputs"
    for g, w in zip(got, want):
        assert g.shape == w.shape
        assert g.dtype == w.dtype
        tol = TOLERANCE.get(str(w.dtype), 0)
        np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=tol,
                                   atol=tol)
