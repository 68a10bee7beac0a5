"""test_executor_ops.py - every op with a CPU kernel in the runtime or a
lowering (docs/codegen.md, "Ops that compile"; ops without a lowering
compile through the runtime's kernel), alone in a symbol, through an
executor: forward(is_train=True)
against the imperative mx.nd result of the same op and attributes, every
input gradient of backward(out_grads) against a central finite difference
of the compiled forward in float64, and grad_req 'add' accumulating over
two backward passes. Ops without a gradient (comparisons, rounding,
indices) check forward only; loss layers check MXNet's fixed gradient.
The float32 code (other math: polynomial approximations) is checked
against the float64 results; Dropout's random mask and the random samplers
on their own. Optimizer updates also compare the states they update in
place (auxiliary states of the symbol) with the imperative call's.

The compiler cannot list the ops it lowers, so the tables below are the
list; test_every_op_with_a_cpu_kernel_has_a_case checks that they cover
every op the runtime has a CPU kernel for (EXCLUDED says why not).
Compiles are cached per signature (MXC_CACHE_DIR) and run at -O0."""
import numpy as np
import pytest

import mxc as mx
from mxc.symbol import bind as bind_module

F64 = "float64"


@pytest.fixture(scope="module", autouse=True)
def fast_compiles():
    """Speed of compilation over speed of code: every case is tiny."""
    saved = bind_module.COMPILE_OPTIONS
    bind_module.COMPILE_OPTIONS = "-O0 --train"
    yield
    bind_module.COMPILE_OPTIONS = saved


def op_of(namespace, name):
    if name.startswith("_linalg_"):
        return getattr(namespace.linalg, name[len("_linalg_"):])
    if name.startswith("_random_") and name.endswith("_like"):
        return getattr(namespace.random, name[len("_random_"):])
    return getattr(namespace, name, None) or getattr(namespace._internal, name)


# Input domains: away from kinks and discontinuities so that central
# differences are exact to rounding.
def signed(rng, shape):
    """Magnitudes in [0.2, 1], either sign, distinct."""
    n = int(np.prod(shape))
    mags = 0.2 + 0.8 * (rng.permutation(n) + rng.uniform(0.1, 0.9, n)) / n
    return (mags * rng.choice([-1.0, 1.0], n)).reshape(shape)


def positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def unit(rng, shape):
    return rng.uniform(-0.8, 0.8, shape)


def above_one(rng, shape):
    return rng.uniform(1.2, 3.0, shape)


def halves(rng, shape):
    """Away from the integers and the half-integers (rounding ops)."""
    return rng.randint(-3, 4, shape) + rng.choice([0.2, 0.3, 0.7, 0.8], shape)


def indices(high):
    return lambda rng, shape: rng.randint(0, high, shape).astype(np.float64)


def bools(rng, shape):
    return rng.randint(0, 2, shape).astype(np.float64)


def small_ints(rng, shape):
    """Comparisons: ties are likely."""
    return rng.randint(-2, 3, shape).astype(np.float64)


class Case(object):
    """One op with its inputs. `domains` draws each input (a function or
    one for all); `nodiff` are the inputs without a gradient (indices,
    labels, conditions); `grad` is False for ops with no gradient (forward
    only) or a function (inputs, heads) -> the fixed gradients of a loss
    layer; `aux` gives the auxiliary states, or is a domain to draw them
    from for an op that updates them in place (optimizer updates: their
    new values are compared with the imperative call's too); `ref`
    replaces the imperative reference; `tol` may set the finite
    difference's tolerance ("fd") and step ("eps", for float32 outputs);
    `dtype` is the dtype bound (float32 for kernels that have no other),
    `input_dtypes` overrides it per input index (int32 indices, the float32
    inputs of mixed-precision updates), `aux_dtype` for the auxiliary
    states (their float32 master weights and moments)."""

    def __init__(self, op, shapes, attrs=None, domains=signed, nodiff=(), grad=True, ref=None,
                 aux=None, tol=None, name=None, dtype=F64, input_dtypes=None, aux_dtype=None):
        self.op, self.shapes, self.attrs = op, shapes, attrs or {}
        self.dtype, self.input_dtypes = dtype, input_dtypes or {}
        self.aux_dtype = aux_dtype
        self.domains = domains if isinstance(domains, (list, tuple)) else [domains] * len(shapes)
        self.nodiff, self.grad, self.ref, self.aux = set(nodiff), grad, ref, aux
        self.tol = tol or {}
        self.id = name or op


S = (2, 3)
UNARY_SMOOTH = {
    "square": signed, "sqrt": positive, "rsqrt": positive, "cbrt": signed, "rcbrt": signed,
    "exp": signed, "expm1": signed, "log": positive, "log10": positive, "log2": positive,
    "log1p": positive, "sin": signed, "cos": signed, "tan": unit, "arcsin": unit,
    "arccos": unit, "arctan": signed, "sinh": signed, "cosh": signed, "tanh": signed,
    "arcsinh": signed, "arccosh": above_one, "arctanh": unit, "degrees": signed,
    "radians": signed, "sigmoid": signed, "relu": signed, "softsign": signed, "erf": signed,
    "reciprocal": signed, "negative": signed, "abs": signed, "_copy": signed,
}
UNARY_STEP = ["sign", "round", "rint", "ceil", "floor", "trunc", "fix", "logical_not"]
BINARY_SMOOTH = {
    "elemwise_add": signed, "elemwise_sub": signed, "elemwise_mul": signed,
    "elemwise_div": signed, "_grad_add": signed, "_power": positive, "_maximum": signed,
    "_minimum": signed, "_mod": positive, "_hypot": signed,
}
COMPARE = ["equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal",
           "logical_and", "logical_or", "logical_xor"]
BROADCAST_SMOOTH = {
    "add": signed, "plus": signed, "sub": signed, "minus": signed, "mul": signed,
    "div": signed, "mod": positive, "power": positive, "maximum": signed, "minimum": signed,
    "hypot": signed,
}
SCALAR_SMOOTH = {
    "_plus_scalar": signed, "_minus_scalar": signed, "_rminus_scalar": signed,
    "_mul_scalar": signed, "_div_scalar": signed, "_rdiv_scalar": signed,
    "_mod_scalar": positive, "_rmod_scalar": positive, "_power_scalar": positive,
    "_rpower_scalar": signed, "_maximum_scalar": signed, "_minimum_scalar": signed,
    "_hypot_scalar": signed,
}


def mod_domain(rng, shape):
    """x mod 1.5 away from its jumps."""
    return rng.uniform(0.1, 1.4, shape) + 1.5 * rng.randint(0, 2, shape)


def softmax_output_grad(inputs, heads):
    x, label = inputs
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    return [p - np.eye(x.shape[-1])[label.astype(int)], None]


def batchnorm_ref(x, gamma, beta, eps=1e-3):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    return [gamma.reshape(1, -1, 1, 1) * (x - mean) / np.sqrt(var + eps) + beta.reshape(1, -1, 1, 1)]


def deconvolution_ref(x, w, stride=2):
    """No pad, no groups, no bias: every input pixel spreads its kernel."""
    n, c, h, wd = x.shape
    k = w.shape[2]
    out = np.zeros((n, w.shape[1], (h - 1) * stride + k, (wd - 1) * stride + k))
    for i in range(h):
        for j in range(wd):
            out[:, :, i * stride:i * stride + k, j * stride:j * stride + k] += \
                np.einsum("nc,cokl->nokl", x[:, :, i, j], w)
    return [out]


def cases():
    c = []
    for op, dom in UNARY_SMOOTH.items():
        c.append(Case(op, [S], domains=dom))
    for op in UNARY_STEP:
        c.append(Case(op, [S], domains=halves, grad=False))
    c.append(Case("BlockGrad", [S], grad=lambda ins, hs: [np.zeros_like(ins[0])]))
    for op in ("make_loss", "MakeLoss"):
        c.append(Case(op, [S], grad=lambda ins, hs: [np.ones_like(ins[0])]))
    for op, dom in BINARY_SMOOTH.items():
        c.append(Case(op, [S, S], domains=dom))
    for op in COMPARE:
        c.append(Case("_" + op, [S, S], domains=small_ints, grad=False))
        c.append(Case("broadcast_" + op, [(2, 1), (1, 3)], domains=small_ints, grad=False))
        c.append(Case("_%s_scalar" % op, [S], {"scalar": 1.0}, domains=small_ints, grad=False))
    for op, dom in BROADCAST_SMOOTH.items():
        c.append(Case("broadcast_" + op, [(2, 1, 3), (1, 2, 1)], domains=dom))
    for op, dom in SCALAR_SMOOTH.items():
        scalar = 1.5 if "mod" in op else 0.7
        c.append(Case(op, [S], {"scalar": scalar},
                      domains=mod_domain if op == "_mod_scalar" else dom))
    c += [
        Case("add_n", [S, S, S]),
        Case("clip", [S], {"a_min": -0.5, "a_max": 0.6}, domains=signed),
        Case("hard_sigmoid", [S], {"alpha": 0.3, "beta": 0.4}),
        Case("where", [S, S, S], domains=[bools, signed, signed], nodiff=[0]),
        Case("Cast", [S], {"dtype": "float32"}, tol={"fd": 1e-3, "eps": 1e-3}),
        # The runtime has no imperative amp_cast or Deconvolution: NumPy.
        Case("amp_cast", [S], {"dtype": "float64"}, ref=lambda x: [x]),
        Case("zeros_like", [S], grad=lambda ins, hs: [np.zeros_like(ins[0])]),
        Case("ones_like", [S], grad=lambda ins, hs: [np.zeros_like(ins[0])]),
    ]
    for act in ("relu", "sigmoid", "tanh", "softrelu", "softsign"):
        c.append(Case("Activation", [S], {"act_type": act}, name="Activation-" + act))
    for act in ("leaky", "elu", "selu", "gelu"):
        c.append(Case("LeakyReLU", [S], {"act_type": act, "slope": 0.3}, name="LeakyReLU-" + act))
    c += [
        Case("LeakyReLU", [(2, 3, 2), (3,)], {"act_type": "prelu"}, name="LeakyReLU-prelu"),
        Case("FullyConnected", [(2, 4), (3, 4), (3,)], {"num_hidden": 3}),
        Case("FullyConnected", [(2, 2, 2), (3, 2)], {"num_hidden": 3, "no_bias": True,
                                                     "flatten": False},
             name="FullyConnected-noflatten"),
        Case("Convolution", [(1, 2, 4, 4), (3, 2, 3, 3), (3,)],
             {"kernel": (3, 3), "num_filter": 3, "pad": (1, 1), "stride": (2, 2)}),
        Case("Convolution", [(1, 2, 5), (2, 1, 2)],
             {"kernel": (2,), "num_filter": 2, "num_group": 2, "no_bias": True,
              "dilate": (2,)}, name="Convolution-1d-group"),
        Case("Deconvolution", [(1, 2, 3, 3), (2, 3, 2, 2)],
             {"kernel": (2, 2), "num_filter": 3, "stride": (2, 2), "no_bias": True},
             ref=deconvolution_ref),
        Case("Pooling", [(1, 2, 4, 4)], {"kernel": (2, 2), "stride": (2, 2), "pool_type": "max"},
             name="Pooling-max"),
        Case("Pooling", [(1, 2, 5, 5)], {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1),
                                         "pool_type": "avg"}, name="Pooling-avg"),
        Case("Pooling", [(1, 2, 4, 4)], {"kernel": (2, 2), "pool_type": "sum"},
             name="Pooling-sum"),
        Case("Pooling", [(1, 2, 3, 3)], {"global_pool": True, "kernel": (1, 1),
                                         "pool_type": "avg"}, name="Pooling-global"),
        Case("BatchNorm", [(2, 2, 2, 2), (2,), (2,)], {"fix_gamma": False},
             aux=[np.zeros(2), np.ones(2)], ref=batchnorm_ref, tol={"fd": 1e-5}),
        Case("LayerNorm", [(2, 4), (4,), (4,)]),
        Case("Dropout", [S], {"p": 0.0}),
        Case("Embedding", [(2, 2), (5, 3)], {"input_dim": 5, "output_dim": 3},
             domains=[indices(5), signed], nodiff=[0]),
        Case("one_hot", [(3,)], {"depth": 4}, domains=indices(4), grad=False),
        Case("softmax", [S], {"axis": -1}),
        Case("softmax", [S], {"axis": 0, "temperature": 2.0}, name="softmax-axis0"),
        Case("log_softmax", [S]),
        Case("softmin", [S]),
        Case("SoftmaxActivation", [S]),
        Case("SoftmaxOutput", [(2, 4), (2,)], domains=[signed, indices(4)], nodiff=[1],
             grad=softmax_output_grad),
        Case("dot", [(2, 3), (3, 2)]),
        Case("dot", [(3, 2), (3, 2)], {"transpose_a": True}, name="dot-transpose_a"),
        Case("batch_dot", [(2, 2, 3), (2, 3, 2)]),
        Case("Reshape", [(2, 3, 2)], {"shape": (0, -1)}),
        Case("Flatten", [(2, 3, 2)]),
        Case("expand_dims", [S], {"axis": 1}),
        Case("squeeze", [(2, 1, 3)], {"axis": 1}),
        Case("reshape_like", [(2, 3), (3, 2)], nodiff=[1]),
        Case("transpose", [(2, 3, 2)], {"axes": (2, 0, 1)}),
        Case("SwapAxis", [(2, 3, 2)], {"dim1": 0, "dim2": 2}),
        Case("Concat", [(2, 1), (2, 3)], {"dim": 1}),
        Case("stack", [S, S], {"axis": 1}),
        Case("SliceChannel", [(2, 4)], {"num_outputs": 2, "axis": 1}),
        Case("slice", [(3, 4)], {"begin": (0, 1), "end": (2, 4), "step": (1, 2)}),
        Case("slice_axis", [(3, 4)], {"axis": 1, "begin": 1, "end": 3}),
        Case("broadcast_to", [(1, 3)], {"shape": (2, 3)}),
        Case("broadcast_like", [(1, 3), (2, 3)], nodiff=[1]),
        Case("broadcast_axis", [(2, 1)], {"axis": 1, "size": 3}),
        Case("Pad", [(1, 1, 2, 2)], {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 0, 0, 2),
                                     "constant_value": 0.5}),
        Case("_zeros", [], {"shape": (2, 2), "dtype": F64}, grad=False),
        Case("_ones", [], {"shape": (2, 2), "dtype": F64}, grad=False),
        Case("_full", [], {"shape": (2, 2), "value": 1.5, "dtype": F64}, grad=False),
    ]
    for op in ("sum", "mean", "prod", "max", "min"):
        c.append(Case(op, [(2, 3, 2)], {"axis": 1}))
        c.append(Case(op, [(2, 3)], {"axis": (0, 1), "keepdims": True}, name=op + "-all"))
    return c


def distinct_indices(high):
    """Indices without repeats (scatter_nd: a repeated index is a race)."""
    return lambda rng, shape: rng.permutation(high)[:int(np.prod(shape))].reshape(shape).astype(
        np.float64)


def lengths(high):
    """Sequence lengths in [1, high]."""
    return lambda rng, shape: rng.randint(1, high + 1, shape).astype(np.float64)


def sigmoid_np(x):
    return 1 / (1 + np.exp(-x))


# Finite differences of float32-only kernels.
F32_FD = {"fd": 2e-2, "eps": 1e-2}


def fallback_cases():
    """Ops without a lowering: they compile through the runtime's CPU kernel
    (codegen/Fallback.h), so these compare that kernel's compiled run, and
    the gradient rules built over it, with mx.nd."""
    x3 = (2, 3, 4)
    seq = [(3, 2, 2), (2,)]
    c = [
        Case("topk", [x3], {"k": 2, "ret_typ": "value"}, name="topk-value"),
        Case("topk", [x3], {"k": 2, "axis": 1}, grad=False, name="topk-indices"),
        Case("sort", [x3], {"axis": 1, "is_ascend": False}),
        Case("argsort", [x3], grad=False),
        Case("argmax", [x3], {"axis": 1}, grad=False),
        Case("argmin", [x3], {"axis": 2, "keepdims": True}, grad=False),
        Case("argmax_channel", [S], grad=False),
        Case("pick", [S, (2,)], {"axis": 1}, domains=[signed, indices(3)], nodiff=[1]),
        Case("take", [(3, 2), (2, 2)], domains=[signed, indices(3)], nodiff=[1]),
        Case("batch_take", [(3, 4), (3,)], domains=[signed, indices(4)], nodiff=[1],
             input_dtypes={1: "int32"}),
        Case("gather_nd", [(3, 2), (1, 2)], domains=[signed, indices(3)], nodiff=[1]),
        Case("scatter_nd", [(2,), (1, 2)], {"shape": (3,)}, domains=[signed, distinct_indices(3)],
             nodiff=[1]),
        Case("_ravel_multi_index", [(2, 3)], {"shape": (3, 4)}, domains=indices(3), grad=False),
        Case("_unravel_index", [(3,)], {"shape": (3, 4)}, domains=indices(12), grad=False),
        Case("SequenceMask", seq, {"use_sequence_length": True, "value": 0.5},
             domains=[signed, lengths(3)], nodiff=[1]),
        Case("SequenceLast", seq, {"use_sequence_length": True}, domains=[signed, lengths(3)],
             nodiff=[1]),
        Case("SequenceReverse", seq, {"use_sequence_length": True}, domains=[signed, lengths(3)],
             nodiff=[1]),
        Case("tile", [S], {"reps": (2, 2)}),
        Case("repeat", [S], {"repeats": 2, "axis": 1}),
        Case("reverse", [x3], {"axis": (0, 2)}),
        Case("depth_to_space", [(1, 4, 2, 2)], {"block_size": 2}),
        Case("space_to_depth", [(1, 1, 4, 4)], {"block_size": 2}),
        Case("diag", [(3, 3)]),
        Case("diag", [(3,)], name="diag-vector"),
        Case("Crop", [(1, 1, 4, 4)], {"h_w": (2, 2), "num_args": 1, "offset": (1, 1)},
             dtype="float32", tol=F32_FD),
        Case("slice_like", [(3, 4), (2, 3)], nodiff=[1]),
        Case("_split_v2", [(4, 3)], {"indices": (0, 1), "axis": 0}),
        Case("_slice_assign", [(3, 4), (2, 2)], {"begin": (0, 1), "end": (2, 3)}),
        Case("_slice_assign_scalar", [(3, 4)], {"begin": (0, 1), "end": (2, 3), "scalar": 2.0}),
        Case("shape_array", [S], grad=False),
        Case("size_array", [S], grad=False),
        Case("khatri_rao", [(2, 3), (4, 3)], {"num_args": 2}, grad=False),
        Case("LRN", [(1, 4, 2, 2)], {"nsize": 3}),
        Case("L2Normalization", [x3], {"mode": "channel"}),
        Case("InstanceNorm", [x3, (3,), (3,)], dtype="float32", tol=F32_FD),
        Case("GroupNorm", [(2, 4, 3), (2,), (2,)], {"num_groups": 2}),
        Case("UpSampling", [(1, 1, 2, 2)], {"scale": 2, "sample_type": "nearest",
                                            "num_args": 1}),
        Case("moments", [(2, 3)], {"axes": (1,)}),
        Case("norm", [(2, 3)], {"ord": 2, "axis": 1}),
        Case("nansum", [(2, 3)], {"axis": 1}),
        Case("nanprod", [(2, 3)], {"axis": 1}),
        Case("smooth_l1", [S], {"scalar": 1.0}),
        Case("erfinv", [S], domains=unit),
        Case("gamma", [S], domains=positive),
        Case("gammaln", [S], domains=positive),
        Case("_linalg_gemm", [(2, 3), (3, 2), (2, 2)], {"alpha": 1.5, "beta": 0.5}),
        Case("_linalg_gemm2", [(2, 3), (3, 2)], {"alpha": 1.5}),
        # MXNet scales the regression gradients by 1 / (outputs per sample).
        Case("LinearRegressionOutput", [S, S], nodiff=[1],
             grad=lambda ins, hs: [(ins[0] - ins[1]) / S[1], None]),
        Case("LogisticRegressionOutput", [S, S], domains=[signed, bools], nodiff=[1],
             grad=lambda ins, hs: [(sigmoid_np(ins[0]) - ins[1]) / S[1], None]),
        Case("MAERegressionOutput", [S, S], nodiff=[1],
             grad=lambda ins, hs: [np.sign(ins[0] - ins[1]) / S[1], None]),
        Case("SVMOutput", [(2, 4), (2,)], domains=[signed, indices(4)], grad=False),
        Case("softmax_cross_entropy", [(2, 4), (2,)], domains=[signed, indices(4)], nodiff=[1]),
        Case("_arange", [], {"start": 1, "stop": 5, "dtype": F64}, grad=False),
        Case("_linspace", [], {"start": 0, "stop": 1, "num": 5, "dtype": F64}, grad=False),
        Case("_eye", [], {"N": 3, "M": 4, "k": 1, "dtype": F64}, grad=False),
        Case("all_finite", [S], grad=False),
        Case("amp_multicast", [S, S], {"num_outputs": 2}),
    ]
    # Optimizer updates: the new weight (output) and the states they update
    # in place (the symbol's auxiliary states), forward only.
    updates = {
        "sgd_update": {"lr": 0.1, "wd": 0.01},
        "sgd_mom_update": {"lr": 0.1, "momentum": 0.9},
        "nag_mom_update": {"lr": 0.1, "momentum": 0.9},
        "signsgd_update": {"lr": 0.1},
        "signum_update": {"lr": 0.1, "momentum": 0.9},
        "adam_update": {"lr": 0.1},
        "ftml_update": {"lr": 0.1, "t": 2},
        "ftrl_update": {"lr": 0.1},
        "rmsprop_update": {"lr": 0.1},
        "rmspropalex_update": {"lr": 0.1},
        "lamb_update_phase1": {"t": 2, "wd": 0.01},
    }
    for op, attrs in updates.items():
        c.append(Case(op, [S, S], attrs, grad=False, aux=positive))
    c.append(Case("lamb_update_phase2", [S, S, (1,), (1,)], {"lr": 0.1},
                  domains=[signed, signed, positive, positive], grad=False))
    # Mixed precision: float16 weight (and gradient) with float32 states.
    half = {"dtype": "float16", "aux_dtype": "float32", "grad": False, "aux": positive}
    for op, attrs in (("mp_sgd_update", {"lr": 0.1}),
                      ("mp_sgd_mom_update", {"lr": 0.1, "momentum": 0.9}),
                      ("mp_nag_mom_update", {"lr": 0.1, "momentum": 0.9})):
        c.append(Case(op, [S, S], attrs, **half))
    return c


CASES = cases() + fallback_cases()

# Ops with a CPU kernel that this file does not run through an executor,
# and why (test_every_op_with_a_cpu_kernel_has_a_case keeps this honest).
EXCLUDED = {
    "_backward_Pooling": "a backward op only the gradient pass makes (not in mx.sym); the "
                         "Pooling cases run it in their backward",
    "_zeros_without_dtype": "its dtype comes from the op consuming it: alone in a graph it "
                            "has none to compile for",
    "mp_lamb_update_phase1": "its float32 master weight is an argument after its two updated "
                             "states (auxiliary): the positional one-op symbols here cannot "
                             "bind it (lamb_update_phase1 is the same kernel's float32 path)",
    "mp_lamb_update_phase2": "the runtime's shape function cannot infer the master weight's "
                             "shape from the others (Error in operator ...: total no. of "
                             "dimensions for weights and g must match), so it cannot be bound "
                             "as an auxiliary state of inferred shape",
}

# Random samplers: no imperative twin draws the same numbers, so their
# cases check shape, range and moments instead (test_random_op).
RANDOM = {
    "_random_uniform": ({"low": 2.0, "high": 3.0, "shape": (4000,)}, None),
    "_random_normal": ({"loc": 1.0, "scale": 2.0, "shape": (4000,)}, None),
    "_random_exponential": ({"lam": 4.0, "shape": (4000,)}, None),
    "_random_randint": ({"low": -3, "high": 5, "shape": (4000,)}, None),
    "_random_uniform_like": ({"low": 2.0, "high": 3.0}, (4000,)),
    "_random_normal_like": ({"loc": 1.0, "scale": 2.0}, (4000,)),
    "_random_exponential_like": ({"lam": 4.0}, (4000,)),
    "_shuffle": ({}, (4000,)),
}


def params(cases):
    return [pytest.param(case, id=case.id) for case in cases]


def build(case):
    """The one-op symbol and its inputs (float64 NumPy), by argument name."""
    rng = np.random.RandomState(sum(map(ord, case.id)))
    names = ["in%d" % i for i in range(len(case.shapes))]
    sym = op_of(mx.sym, case.op)(*[mx.sym.Variable(n) for n in names], **case.attrs)
    assert sym.list_arguments() == names
    inputs = [dom(rng, s).astype(np.float64) for dom, s in zip(case.domains, case.shapes)]
    return sym, names, inputs, rng


def aux_values(case, sym, names, inputs):
    """The auxiliary states: given, or drawn from the case's domain for the
    shapes the symbol infers (the same draws every call)."""
    if not callable(case.aux):
        return case.aux
    _, _, shapes = sym.infer_shape(**{n: x.shape for n, x in zip(names, inputs)})
    rng = np.random.RandomState(sum(map(ord, case.id)) + 1)
    return [case.aux(rng, s).astype(np.float64) for s in shapes]


def input_dtype(case, i, dtype):
    return case.input_dtypes.get(i, dtype)


def bind(case, sym, names, inputs, reqs, grads, dtype=None):
    dtype = dtype or case.dtype
    args = {n: mx.nd.array(x, dtype=input_dtype(case, i, dtype))
            for i, (n, x) in enumerate(zip(names, inputs))}
    grad_arrays = {n: mx.nd.array(g, dtype=dtype) for n, g in grads.items()}
    aux_init = aux_values(case, sym, names, inputs)
    aux = [mx.nd.array(a, dtype=case.aux_dtype or dtype) for a in aux_init] if aux_init else None
    exe = sym.bind(mx.cpu(), args, args_grad=grad_arrays or None, grad_req=reqs,
                   aux_states=aux)
    return exe, args


def outputs(exe):
    return [o.asnumpy() for o in exe.outputs]


def imperative(case, sym, names, inputs):
    """The outputs of mx.nd's op, then the states it updated in place."""
    if case.ref is not None:
        return case.ref(*inputs)
    updated = [mx.nd.array(a, dtype=case.aux_dtype or case.dtype)
               for a in aux_values(case, sym, names, inputs)] if callable(case.aux) else []
    ins = [mx.nd.array(x, dtype=input_dtype(case, i, case.dtype)) for i, x in enumerate(inputs)]
    out = op_of(mx.nd, case.op)(*ins, *updated, **case.attrs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [o.asnumpy() for o in outs] + [a.asnumpy() for a in updated]


def finite_difference(exe, args, name, heads, eps=1e-6):
    """d sum_k <out_k, head_k> / d args[name], central differences."""
    base = args[name].asnumpy()
    grad = np.zeros_like(base)

    def loss(value):
        args[name][:] = value
        exe.forward(is_train=True)
        return sum(float((o.astype(np.float64) * h).sum()) for o, h in zip(outputs(exe), heads))

    for j in range(base.size):
        step = np.zeros_like(base)
        step.flat[j] = eps
        grad.flat[j] = (loss(base + step) - loss(base - step)) / (2 * eps)
    args[name][:] = base
    return grad


@pytest.mark.parametrize("case", params(CASES))
def test_op(case):
    sym, names, inputs, rng = build(case)
    diff = [n for i, n in enumerate(names) if case.grad and i not in case.nodiff]
    reqs = {n: ("write" if n in diff else "null") for n in names}
    exe, args = bind(case, sym, names, inputs, reqs, {n: np.zeros(inputs[names.index(n)].shape)
                                                      for n in diff})
    exe.forward(is_train=True)
    got = outputs(exe)
    if callable(case.aux):
        got += [a.asnumpy() for a in exe.aux_arrays]
    want = imperative(case, sym, names, inputs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-9)
    if not diff:
        return

    heads = [rng.uniform(-1, 1, g.shape) for g in got]
    exe.backward([mx.nd.array(h, dtype=g.dtype) for h, g in zip(heads, got)])
    grads = {n: exe.grad_dict[n].asnumpy() for n in diff}
    if callable(case.grad):
        fixed = case.grad(inputs, heads)
        for n in diff:
            np.testing.assert_allclose(grads[n], fixed[names.index(n)], rtol=1e-6, atol=1e-9,
                                       err_msg="gradient of " + n)
    else:
        tol = case.tol.get("fd", 1e-6)
        for n in diff:
            fd = finite_difference(exe, args, n, heads, case.tol.get("eps", 1e-6))
            np.testing.assert_allclose(grads[n], fd, rtol=tol, atol=tol,
                                       err_msg="gradient of " + n)

    # grad_req 'add': two backward passes accumulate onto what was there.
    start = {n: rng.uniform(-1, 1, grads[n].shape) for n in diff}
    exe, _ = bind(case, sym, names, inputs, {n: ("add" if n in diff else "null") for n in names},
                  start)
    for _ in range(2):
        exe.forward(is_train=True)
        exe.backward([mx.nd.array(h, dtype=g.dtype) for h, g in zip(heads, got)])
    rtol, atol = (1e-6, 1e-9) if case.dtype == F64 else (1e-5, 1e-6)
    for n in diff:
        np.testing.assert_allclose(exe.grad_dict[n].asnumpy(), start[n] + 2 * grads[n],
                                   rtol=rtol, atol=atol, err_msg="grad_req add of " + n)


def forward_backward(case, sym, names, inputs, heads, dtype):
    """Outputs and gradients (grad_req write) of one forward and, given
    head gradients, backward."""
    diff = [n for i, n in enumerate(names) if case.grad and i not in case.nodiff]
    exe, _ = bind(case, sym, names, inputs, {n: ("write" if n in diff else "null") for n in names},
                  {n: np.zeros(inputs[names.index(n)].shape) for n in diff}, dtype)
    exe.forward(is_train=True)
    outs = outputs(exe)
    if diff and heads:
        exe.backward([mx.nd.array(h, dtype=dtype) for h in heads])
    return outs, [exe.grad_dict[n].asnumpy() for n in diff]


@pytest.mark.parametrize("case", params(c for c in CASES
                                         if "dtype" not in c.attrs and c.dtype == F64))
def test_op_float32(case):
    """float32 code is not float64's (polynomial approximations of exp,
    tanh, erf...; float32 accumulation): forward and gradients against the
    float64 ones, which test_op checks."""
    sym, names, inputs, rng = build(case)
    want_outs, _ = forward_backward(case, sym, names, inputs, [], F64)
    heads = [rng.uniform(-1, 1, o.shape) for o in want_outs]
    want_outs, want_grads = forward_backward(case, sym, names, inputs, heads, F64)
    outs, grads = forward_backward(case, sym, names, inputs, heads, "float32")
    for got, want in zip(outs + grads, want_outs + want_grads):
        assert got.dtype == (np.float32 if want.dtype == np.float64 else want.dtype)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_dropout_training_mask():
    """Dropout while training is random: each output is 0 or x / (1 - p),
    and the gradient goes through the same mask."""
    rng = np.random.RandomState(3)
    x = signed(rng, (4, 8))
    head = rng.uniform(-1, 1, x.shape)
    sym = mx.sym.Dropout(mx.sym.Variable("x"), p=0.5)
    grad = mx.nd.zeros(x.shape, dtype=F64)
    exe = sym.bind(mx.cpu(), {"x": mx.nd.array(x, dtype=F64)}, args_grad={"x": grad})
    exe.forward(is_train=True)
    exe.backward(mx.nd.array(head, dtype=F64))
    out = exe.outputs[0].asnumpy()
    kept = out != 0
    assert 0 < kept.sum() < kept.size
    np.testing.assert_allclose(out[kept], 2 * x[kept], rtol=1e-12)
    np.testing.assert_allclose(grad.asnumpy(), np.where(kept, 2 * head, 0), rtol=1e-12)
    exe.forward(is_train=False)
    np.testing.assert_allclose(exe.outputs[0].asnumpy(), x)


def test_every_op_with_a_cpu_kernel_has_a_case():
    """Every op the runtime has a CPU kernel for runs through an executor
    here (it compiles: a lowering, or the runtime's kernel), or EXCLUDED
    says why not."""
    from mxc import _registry
    infos = list(_registry.ops().values())
    canonical = {alias: info.name for info in infos for alias in (info.name,) + info.aliases}
    covered = {canonical[c.op] for c in CASES} | {canonical[n] for n in RANDOM}
    with_kernel = {info.name for info in infos if info.has_cpu_kernel}
    missing = sorted(with_kernel - covered - set(EXCLUDED))
    assert not missing, "ops with a CPU kernel and no case: %s" % missing
    stale = sorted(set(EXCLUDED) & covered)
    assert not stale, "excluded ops that have a case: %s" % stale


@pytest.mark.parametrize("op", sorted(RANDOM))
def test_random_op(op):
    """A sampler compiled through the runtime's kernel: the right shape,
    values in range, moments near the distribution's (4000 draws), and a
    second forward draws new numbers from the executor's random state."""
    attrs, like = RANDOM[op]
    rng = np.random.RandomState(7)
    args = {}
    if like is None:
        sym = op_of(mx.sym, op)(**attrs)
    else:
        sym = op_of(mx.sym, op)(mx.sym.Variable("x"), **attrs)
        args["x"] = mx.nd.array(rng.permutation(like[0]).astype(np.float64), dtype=F64)
    exe = sym.bind(mx.cpu(), args, grad_req="null")
    exe.forward()
    first = exe.outputs[0].asnumpy()
    exe.forward()
    second = exe.outputs[0].asnumpy()
    assert first.shape == (4000,)
    assert not np.array_equal(first, second)
    if op.endswith("uniform") or op.endswith("uniform_like"):
        assert first.min() >= 2.0 and first.max() < 3.0
        assert abs(first.mean() - 2.5) < 0.03
    elif "normal" in op:
        assert abs(first.mean() - 1.0) < 0.15 and abs(first.std() - 2.0) < 0.15
    elif "exponential" in op:
        assert first.min() >= 0 and abs(first.mean() - 0.25) < 0.02
    elif op == "_random_randint":
        assert set(np.unique(first)) == set(range(-3, 5))
    else:  # _shuffle: a permutation of its input
        np.testing.assert_array_equal(np.sort(first), np.arange(4000))
        assert not np.array_equal(first, args["x"].asnumpy())
