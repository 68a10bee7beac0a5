"""Per-op cases of the compiled-vs-reference tests (test_ops.py).

Each case is (name, symbol expression over variables, input shapes, input
range). The expression is evaluated by mxnet_reference.py inside MXNet 1.9.1
(`mx` and the variables are in scope); the same graph is then compiled by mxc
and run by mxc-run on the same inputs. Shapes of the elementwise families are
drawn at random (fixed seed per case), so broadcasting and odd extents are
covered without listing them by hand.
"""
import random

# Positive inputs for functions defined on (0, inf) or [-1, 1].
POS = (0.1, 2.0)
UNIT = (-0.9, 0.9)
ANY = (-2.0, 2.0)


def _sym(op):
    """How MXNet's Python spells an op (underscore ops live in _internal)."""
    return ("mx.sym._internal." if op.startswith("_") else "mx.sym.") + op


def _shape(rng, rank=None):
    rank = rank or rng.randint(1, 4)
    return tuple(rng.randint(1, 7) for _ in range(rank))


def _broadcast_pair(rng):
    out = _shape(rng, rng.randint(2, 4))
    rhs = tuple(d if rng.random() < 0.5 else 1 for d in out)
    return out, rhs


def cases():
    rng = random.Random(1234)
    c = []
    unary = {
        "abs": ANY, "sign": ANY, "round": ANY, "rint": ANY, "ceil": ANY, "floor": ANY,
        "trunc": ANY, "fix": ANY, "square": ANY, "sqrt": POS, "rsqrt": POS, "cbrt": POS,
        "rcbrt": POS, "exp": ANY, "expm1": ANY, "log": POS, "log10": POS, "log2": POS,
        "log1p": POS, "sin": ANY, "cos": ANY, "tan": UNIT, "arcsin": UNIT, "arccos": UNIT,
        "arctan": ANY, "sinh": ANY, "cosh": ANY, "tanh": ANY, "arcsinh": ANY,
        "arccosh": (1.1, 3.0), "arctanh": UNIT, "degrees": ANY, "radians": ANY,
        "sigmoid": ANY, "relu": ANY, "softsign": ANY, "erf": ANY, "reciprocal": POS,
        "negative": ANY, "logical_not": ANY, "_copy": ANY, "BlockGrad": ANY,
    }
    for op, r in unary.items():
        c.append((op, "%s(x)" % _sym(op), {"x": _shape(rng)}, r))
    for act in ["relu", "sigmoid", "tanh", "softrelu", "softsign"]:
        c.append(("Activation_" + act, "mx.sym.Activation(x, act_type='%s')" % act,
                  {"x": _shape(rng)}, ANY))
    for act in ["leaky", "elu", "selu", "gelu"]:
        c.append(("LeakyReLU_" + act, "mx.sym.LeakyReLU(x, act_type='%s', slope=0.3)" % act,
                  {"x": _shape(rng)}, ANY))
    c.append(("LeakyReLU_prelu", "mx.sym.LeakyReLU(x, gamma=g, act_type='prelu')",
              {"x": (2, 3, 4), "g": (3,)}, ANY))
    binary = {
        "elemwise_add": ANY, "elemwise_sub": ANY, "elemwise_mul": ANY, "elemwise_div": POS,
        "_maximum": ANY, "_minimum": ANY, "_power": POS, "_mod": POS, "_hypot": ANY,
        "_equal": ANY, "_not_equal": ANY, "_greater": ANY, "_greater_equal": ANY,
        "_lesser": ANY, "_lesser_equal": ANY, "_logical_and": ANY, "_logical_or": ANY,
        "_logical_xor": ANY,
    }
    for op, r in binary.items():
        s = _shape(rng)
        c.append((op, "%s(x, y)" % _sym(op), {"x": s, "y": s}, r))
    for op in ["add", "sub", "mul", "div", "maximum", "minimum", "power", "mod", "hypot",
               "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal",
               "logical_and", "logical_or", "logical_xor"]:
        out, rhs = _broadcast_pair(rng)
        r = POS if op in ("div", "power", "mod") else ANY
        c.append(("broadcast_" + op, "mx.sym.broadcast_%s(x, y)" % op, {"x": out, "y": rhs}, r))
    for op, r in [("_plus_scalar", ANY), ("_minus_scalar", ANY), ("_rminus_scalar", ANY),
                  ("_mul_scalar", ANY), ("_div_scalar", ANY), ("_rdiv_scalar", POS),
                  ("_power_scalar", POS), ("_rpower_scalar", ANY), ("_mod_scalar", ANY),
                  ("_rmod_scalar", POS), ("_maximum_scalar", ANY), ("_minimum_scalar", ANY),
                  ("_hypot_scalar", ANY), ("_equal_scalar", ANY), ("_greater_scalar", ANY),
                  ("_lesser_equal_scalar", ANY)]:
        c.append((op, "%s(x, scalar=1.5)" % _sym(op), {"x": _shape(rng)}, r))
    c += [
        ("add_n", "mx.sym.add_n(x, y, z)", {"x": (3, 4), "y": (3, 4), "z": (3, 4)}, ANY),
        ("clip", "mx.sym.clip(x, a_min=-0.5, a_max=0.7)", {"x": (4, 5)}, ANY),
        ("hard_sigmoid", "mx.sym.hard_sigmoid(x)", {"x": (4, 5)}, ANY),
        ("where", "mx.sym.where(mx.sym._internal._greater_scalar(x, scalar=0), y, z)",
         {"x": (3, 4), "y": (3, 4), "z": (3, 4)}, ANY),
        ("zeros_like", "mx.sym.zeros_like(x) + x", {"x": (2, 3)}, ANY),
        ("ones_like", "mx.sym.ones_like(x) * x", {"x": (2, 3)}, ANY),
        # Layers.
        ("FullyConnected", "mx.sym.FullyConnected(x, w, b, num_hidden=6)",
         {"x": (3, 2, 5), "w": (6, 10), "b": (6,)}, ANY),
        ("FullyConnected_noflatten",
         "mx.sym.FullyConnected(x, w, num_hidden=6, no_bias=True, flatten=False)",
         {"x": (3, 2, 5), "w": (6, 5)}, ANY),
        ("dot", "mx.sym.dot(x, y)", {"x": (4, 5), "y": (5, 3)}, ANY),
        ("dot_ta", "mx.sym.dot(x, y, transpose_a=True)", {"x": (5, 4), "y": (5, 3)}, ANY),
        ("dot_tb", "mx.sym.dot(x, y, transpose_b=True)", {"x": (4, 5), "y": (3, 5)}, ANY),
        ("dot_tatb", "mx.sym.dot(x, y, transpose_a=True, transpose_b=True)",
         {"x": (5, 4), "y": (3, 5)}, ANY),
        ("batch_dot", "mx.sym.batch_dot(x, y)", {"x": (2, 4, 5), "y": (2, 5, 3)}, ANY),
        ("batch_dot_tb", "mx.sym.batch_dot(x, y, transpose_b=True)",
         {"x": (2, 4, 5), "y": (2, 3, 5)}, ANY),
        ("Convolution", "mx.sym.Convolution(x, w, b, kernel=(3, 3), num_filter=4, pad=(1, 1))",
         {"x": (2, 3, 7, 6), "w": (4, 3, 3, 3), "b": (4,)}, ANY),
        ("Convolution_stride_dilate",
         "mx.sym.Convolution(x, w, kernel=(3, 2), num_filter=5, stride=(2, 1), dilate=(2, 2), "
         "pad=(2, 0), no_bias=True)", {"x": (1, 2, 9, 8), "w": (5, 2, 3, 2)}, ANY),
        ("Convolution_1x1", "mx.sym.Convolution(x, w, b, kernel=(1, 1), num_filter=6)",
         {"x": (2, 4, 5, 5), "w": (6, 4, 1, 1), "b": (6,)}, ANY),
        ("Convolution_group",
         "mx.sym.Convolution(x, w, b, kernel=(3, 3), num_filter=6, num_group=3, pad=(1, 1))",
         {"x": (2, 6, 5, 5), "w": (6, 2, 3, 3), "b": (6,)}, ANY),
        ("Convolution_1d", "mx.sym.Convolution(x, w, b, kernel=(3,), num_filter=4, stride=(2,))",
         {"x": (2, 3, 11), "w": (4, 3, 3), "b": (4,)}, ANY),
        ("Pooling_max", "mx.sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1))",
         {"x": (2, 3, 9, 8)}, ANY),
        ("Pooling_avg", "mx.sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), "
         "pool_type='avg')", {"x": (2, 3, 9, 8)}, ANY),
        ("Pooling_avg_nopad", "mx.sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), "
         "pool_type='avg', count_include_pad=False)", {"x": (1, 2, 7, 7)}, ANY),
        ("Pooling_full", "mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), "
         "pooling_convention='full')", {"x": (1, 3, 7, 7)}, ANY),
        ("Pooling_sum", "mx.sym.Pooling(x, kernel=(2, 2), stride=(1, 1), pool_type='sum')",
         {"x": (1, 2, 5, 5)}, ANY),
        ("Pooling_global", "mx.sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type='avg')",
         {"x": (2, 3, 5, 4)}, ANY),
        ("BatchNorm", "mx.sym.BatchNorm(x, g, b, m, v, fix_gamma=False, eps=1e-3)",
         {"x": (2, 3, 4, 5), "g": (3,), "b": (3,), "m": (3,), "v": (3,)}, ANY),
        ("BatchNorm_fixgamma", "mx.sym.BatchNorm(x, g, b, m, v)",
         {"x": (2, 3, 4), "g": (3,), "b": (3,), "m": (3,), "v": (3,)}, ANY),
        ("LayerNorm", "mx.sym.LayerNorm(x, g, b)", {"x": (3, 4, 5), "g": (5,), "b": (5,)}, ANY),
        ("Dropout_infer", "mx.sym.Dropout(x, p=0.5)", {"x": (3, 4)}, ANY),
        ("Embedding", "mx.sym.Embedding(mx.sym.floor(x), w, input_dim=6, output_dim=4)",
         {"x": (2, 3), "w": (6, 4)}, (0.0, 5.99)),
        ("softmax", "mx.sym.softmax(x)", {"x": (3, 7)}, ANY),
        ("softmax_axis", "mx.sym.softmax(x, axis=1, temperature=2.0)", {"x": (2, 5, 3)}, ANY),
        ("log_softmax", "mx.sym.log_softmax(x)", {"x": (3, 7)}, ANY),
        ("softmin", "mx.sym.softmin(x)", {"x": (3, 7)}, ANY),
        ("SoftmaxOutput", "mx.sym.SoftmaxOutput(x, l)", {"x": (3, 7), "l": (3,)}, ANY),
        ("SoftmaxOutput_multi", "mx.sym.SoftmaxOutput(x, l, multi_output=True)",
         {"x": (2, 4, 3), "l": (2, 3)}, ANY),
        ("SoftmaxActivation", "mx.sym.SoftmaxActivation(x)", {"x": (2, 3, 4)}, ANY),
        ("SoftmaxActivation_channel", "mx.sym.SoftmaxActivation(x, mode='channel')",
         {"x": (2, 3, 4)}, ANY),
        # Shapes and layouts.
        ("Reshape", "mx.sym.Reshape(x, shape=(0, -1))", {"x": (2, 3, 4)}, ANY),
        ("Flatten", "mx.sym.Flatten(x)", {"x": (2, 3, 4)}, ANY),
        ("expand_dims", "mx.sym.expand_dims(x, axis=1)", {"x": (2, 3)}, ANY),
        ("squeeze", "mx.sym.squeeze(x)", {"x": (2, 1, 3)}, ANY),
        ("transpose", "mx.sym.transpose(x, axes=(1, 2, 0))", {"x": (2, 3, 4)}, ANY),
        ("transpose_default", "mx.sym.transpose(x)", {"x": (2, 3, 4)}, ANY),
        ("SwapAxis", "mx.sym.SwapAxis(x, dim1=0, dim2=2)", {"x": (2, 3, 4)}, ANY),
        ("Concat", "mx.sym.Concat(x, y, dim=1)", {"x": (2, 3, 4), "y": (2, 5, 4)}, ANY),
        ("stack", "mx.sym.stack(x, y, axis=1)", {"x": (2, 3), "y": (2, 3)}, ANY),
        ("SliceChannel", "mx.sym.SliceChannel(x, num_outputs=3, axis=1)[1]",
         {"x": (2, 6, 2)}, ANY),
        ("SliceChannel_squeeze", "mx.sym.SliceChannel(x, num_outputs=2, axis=0, "
         "squeeze_axis=True)[0]", {"x": (2, 3)}, ANY),
        ("slice_axis", "mx.sym.slice_axis(x, axis=1, begin=1, end=-1)", {"x": (3, 6)}, ANY),
        ("slice", "mx.sym.slice(x, begin=(1, None), end=(3, 5), step=(1, 2))",
         {"x": (4, 6)}, ANY),
        ("broadcast_to", "mx.sym.broadcast_to(x, shape=(3, 4))", {"x": (1, 4)}, ANY),
        ("broadcast_axis", "mx.sym.broadcast_axis(x, axis=0, size=3)", {"x": (1, 4)}, ANY),
        ("Pad", "mx.sym.Pad(x, mode='constant', pad_width=(0, 0, 0, 0, 1, 2, 2, 1), "
         "constant_value=0.5)", {"x": (1, 2, 3, 3)}, ANY),
        ("zeros", "mx.sym.zeros(shape=(2, 3)) + x", {"x": (2, 3)}, ANY),
        ("ones", "mx.sym.ones(shape=(2, 3)) + x", {"x": (2, 3)}, ANY),
        ("full", "mx.sym.full(shape=(2, 3), val=2.5) + x", {"x": (2, 3)}, ANY),
        ("Cast", "mx.sym.Cast(x, dtype='float64')", {"x": (2, 3)}, ANY),
    ]
    for op in ["sum", "mean", "prod", "max", "min"]:
        c.append((op + "_axis", "mx.sym.%s(x, axis=1)" % op, {"x": _shape(rng, 3)}, ANY))
        c.append((op + "_all", "mx.sym.%s(x)" % op, {"x": _shape(rng, 2)}, ANY))
        c.append((op + "_keepdims", "mx.sym.%s(x, axis=(0, 2), keepdims=True)" % op,
                  {"x": _shape(rng, 3)}, ANY))
    c.append(("sum_exclude", "mx.sym.sum(x, axis=1, exclude=True)", {"x": (2, 3, 4)}, ANY))
    return c
