"""samplers.py - valid random attributes and input shapes for every operator.

SAMPLERS maps an operator name to sampler(rng) -> (attrs, input shapes):
attributes as MXNet strings (or values str() turns into them) and one shape
per input in mxc's input order. make_cases.py derives partial, backward and
conflicting variants from each draw and asks MXNet for the answers.
TYPE_SETS lists the dtypes a type case may draw for an op (None: default).
"""
import itertools

SAMPLERS = {}
TYPE_SETS = {None: ["float32", "float16", "float64"]}
def _numel(s):
    n = 1
    for d in s:
        n *= d
    return n


def _reshape_size_differs(case):
    ins, outs = case.get("expect_in") or [None], case.get("expect_out") or [None]
    return (ins[0] is not None and outs[0] is not None and -1 not in ins[0]
            and -1 not in outs[0] and _numel(ins[0]) != _numel(outs[0]))


# Cases where mxc answers differently from MXNet on purpose, marked in
# cases.json with what mxc does instead ("raises" / "infers") and why.
DELIBERATE = {
    "Reshape": (_reshape_size_differs, "raises",
                "a reshape that changes the element count is an error at inference; "
                "MXNet only fails at the forward pass"),
    "transpose": (lambda c: "error" in c and c["in"][0] is None and "axes" not in c["attrs"],
                  "infers",
                  "MXNet indexes out of range reversing the axes of an unknown-rank input; "
                  "the output's rank decides them"),
    "Pooling": (lambda c: "error" in c and "index = 1 must be in range" in c["error"], "infers",
                "MXNet 1.9.1 reads pad[1] of a 1-D window checking pooling_convention='same' "
                "and always fails; mxc computes ceil(x / stride)"),
}

# Variants whose MXNet answer is computed from unknown dims (garbage that
# happens to look like a shape): predicate(attrs, input shapes) -> drop.
GARBAGE = {
    # RNN sizes its parameter vector from the input size even when unknown.
    "RNN": lambda attrs, ins: ins[0] is not None and ins[0][2] == -1,
    # Pad adds the widths to unknown extents.
    "Pad": lambda attrs, ins: ins[0] is not None and -1 in ins[0],
    # repeat multiplies unknown extents.
    "repeat": lambda attrs, ins: ins[0] is not None and -1 in ins[0],
    # diag of an unknown vector extent: -1 + |k| passes for a size.
    "diag": lambda attrs, ins: (ins[0] is not None and len(ins[0]) == 1 and -1 in ins[0]
                                and attrs.get("k", "0") != "0"),
}
INT_TYPES = ["float32", "float16", "float64", "int32", "int64", "uint8", "int8"]


def sampler(*names, types=None):
    def register(fn):
        for n in names:
            SAMPLERS[n] = fn
            if types:
                TYPE_SETS[n] = types
        return fn
    return register


def shape(rng, lo=1, hi=4, dlo=1, dhi=6):
    return [rng.randint(dlo, dhi) for _ in range(rng.randint(lo, hi))]


def tup(values):
    values = list(values)
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"


def chance(rng, p=0.5):
    return rng.random() < p


# --- element-wise --------------------------------------------------------------

UNARY = """abs sign round rint ceil floor trunc fix square sqrt rsqrt cbrt rcbrt exp expm1 log
log10 log2 log1p sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh degrees
radians sigmoid relu softsign erf erfinv gamma gammaln reciprocal negative logical_not _copy
zeros_like ones_like BlockGrad make_loss _shuffle""".split()


@sampler(*UNARY, types=INT_TYPES)
def unary(rng):
    return {}, [shape(rng)]


@sampler("shape_array", "size_array", types=INT_TYPES)
def shape_of(rng):
    return {}, [shape(rng)]


@sampler("hard_sigmoid")
def hard_sigmoid(rng):
    return {"alpha": rng.choice([0.2, 0.5]), "beta": rng.choice([0.5, 0.1])}, [shape(rng)]


@sampler("smooth_l1")
def smooth_l1(rng):
    return {"scalar": rng.choice([1.0, 2.5])}, [shape(rng)]


@sampler("clip")
def clip(rng):
    return {"a_min": -1.0, "a_max": rng.choice([0.5, 2.0])}, [shape(rng)]


@sampler("Cast", types=INT_TYPES)
def cast(rng):
    return {"dtype": rng.choice(["float16", "int32", "float64", "uint8", "bool"])}, [shape(rng)]


@sampler("amp_cast", types=INT_TYPES)
def amp_cast(rng):
    return {"dtype": rng.choice(["float16", "float32", "bfloat16"])}, [shape(rng)]


@sampler("amp_multicast")
def amp_multicast(rng):
    n = rng.randint(1, 3)
    return {"num_outputs": n, "cast_narrow": chance(rng)}, [shape(rng) for _ in range(n)]


BINARY = """elemwise_add elemwise_sub elemwise_mul elemwise_div _power _maximum _minimum _mod
_hypot _equal _not_equal _greater _greater_equal _lesser _lesser_equal _logical_and _logical_or
_logical_xor _grad_add""".split()


@sampler(*BINARY, types=INT_TYPES)
def binary(rng):
    s = shape(rng)
    return {}, [s, list(s)]


SCALAR = """_plus_scalar _minus_scalar _rminus_scalar _mul_scalar _div_scalar _rdiv_scalar
_power_scalar _rpower_scalar _mod_scalar _rmod_scalar _maximum_scalar _minimum_scalar
_hypot_scalar _equal_scalar _not_equal_scalar _greater_scalar _greater_equal_scalar
_lesser_scalar _lesser_equal_scalar _logical_and_scalar _logical_or_scalar
_logical_xor_scalar""".split()


@sampler(*SCALAR, types=INT_TYPES)
def scalar(rng):
    return {"scalar": rng.choice([2, 0.5, -3])}, [shape(rng)]


@sampler("add_n", types=INT_TYPES)
def add_n(rng):
    n = rng.randint(1, 4)
    s = shape(rng)
    return {"num_args": n}, [list(s) for _ in range(n)]


@sampler("_random_uniform_like", "_random_normal_like", "_random_exponential_like",
         "_random_gamma_like", "_random_poisson_like", "_random_negative_binomial_like",
         "_random_generalized_negative_binomial_like")
def random_like(rng):
    return {}, [shape(rng)]


# --- broadcasting --------------------------------------------------------------

BROADCAST = """broadcast_add broadcast_sub broadcast_mul broadcast_div broadcast_mod
broadcast_power broadcast_maximum broadcast_minimum broadcast_hypot broadcast_equal
broadcast_not_equal broadcast_greater broadcast_greater_equal broadcast_lesser
broadcast_lesser_equal broadcast_logical_and broadcast_logical_or
broadcast_logical_xor""".split()


def squash(rng, full):
    """full with leading dims dropped and some dims set to 1."""
    s = full[rng.randint(0, len(full) - 1):] if chance(rng, 0.3) else list(full)
    return [1 if chance(rng, 0.3) else d for d in s]


@sampler(*BROADCAST, types=INT_TYPES)
def broadcast_binary(rng):
    full = shape(rng, dlo=2)
    return {}, [squash(rng, full), squash(rng, full)]


@sampler("broadcast_to")
def broadcast_to(rng):
    full = shape(rng, dlo=2)
    data = [1 if chance(rng, 0.4) else d for d in full]
    target = [0 if (chance(rng, 0.3) and d == t) else t for d, t in zip(data, full)]
    return {"shape": tup(target)}, [data]


@sampler("broadcast_like")
def broadcast_like(rng):
    full = shape(rng, dlo=2)
    if chance(rng, 0.6):
        return {}, [[1 if chance(rng, 0.4) else d for d in full], full]
    lhs = shape(rng, dlo=2)
    k = rng.randint(1, min(len(lhs), len(full)))
    la = rng.sample(range(len(lhs)), k)
    ra = rng.sample(range(len(full)), k)
    for a in la:
        lhs[a] = 1
    neg = lambda a, n: a - n if chance(rng, 0.3) else a  # noqa: E731
    return ({"lhs_axes": tup(neg(a, len(lhs)) for a in la),
             "rhs_axes": tup(neg(a, len(full)) for a in ra)}, [lhs, full])


@sampler("broadcast_axis")
def broadcast_axis(rng):
    s = shape(rng)
    axes = rng.sample(range(len(s)), rng.randint(1, len(s)))
    for a in axes:
        s[a] = 1
    return {"axis": tup(axes), "size": tup(rng.randint(2, 5) for _ in axes)}, [s]


# --- reductions ------------------------------------------------------------------

def axes_attr(rng, nd, allow_none=True):
    if allow_none and chance(rng, 0.25):
        return None
    axes = rng.sample(range(nd), rng.randint(1, nd))
    return tup(a - nd if chance(rng, 0.3) else a for a in axes)


@sampler("sum", "mean", "prod", "nansum", "nanprod", "max", "min")
def reduce(rng):
    s = shape(rng)
    attrs = {"keepdims": chance(rng), "exclude": chance(rng, 0.3)}
    a = axes_attr(rng, len(s))
    if a is not None:
        attrs["axis"] = a
    return attrs, [s]


@sampler("norm")
def norm(rng):
    s = shape(rng)
    attrs = {"ord": rng.choice([1, 2]), "keepdims": chance(rng)}
    if chance(rng, 0.7):
        attrs["axis"] = tup(rng.sample(range(len(s)), min(len(s), rng.randint(1, 2))))
    if chance(rng, 0.3):
        attrs["out_dtype"] = rng.choice(["float16", "float64", "int32"])
    return attrs, [s]


@sampler("argmax", "argmin", types=INT_TYPES)
def argreduce(rng):
    s = shape(rng)
    attrs = {"keepdims": chance(rng)}
    if chance(rng, 0.75):
        attrs["axis"] = rng.randint(-len(s), len(s) - 1)
    return attrs, [s]


@sampler("argmax_channel")
def argmax_channel(rng):
    return {}, [shape(rng)]


@sampler("moments")
def moments(rng):
    s = shape(rng)
    attrs = {"keepdims": chance(rng)}
    a = axes_attr(rng, len(s))
    if a is not None:
        attrs["axes"] = a
    return attrs, [s]


# --- layers ---------------------------------------------------------------------

@sampler("FullyConnected")
def fully_connected(rng):
    data = shape(rng, 1, 4)
    nh = rng.randint(1, 8)
    flatten, no_bias = chance(rng, 0.7), chance(rng, 0.3)
    k = data[-1] if not flatten else (1 if len(data) == 1 else 0)
    if flatten:
        k = 1
        for d in data[1:]:
            k *= d
    ins = [data, [nh, k]] + ([] if no_bias else [[nh]])
    return {"num_hidden": nh, "flatten": flatten, "no_bias": no_bias}, ins


def window(rng, nd, dilate=True):
    kernel = [rng.randint(1, 3) for _ in range(nd)]
    attrs = {"kernel": tup(kernel)}
    if chance(rng):
        attrs["stride"] = tup(rng.randint(1, 3) for _ in range(nd))
    if chance(rng):
        attrs["pad"] = tup(rng.randint(0, 1) for _ in range(nd))
    if dilate and nd < 3 and chance(rng, 0.3):
        attrs["dilate"] = tup(rng.randint(1, 2) for _ in range(nd))
    return attrs, kernel


LAYOUTS = {1: ("NCW", None), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}


@sampler("Convolution")
def convolution(rng):
    nd = rng.choice([1, 2, 2, 3])
    attrs, kernel = window(rng, nd)
    group = rng.choice([1, 1, 2])
    c = group * rng.randint(1, 3)
    nf = group * rng.randint(1, 3)
    attrs.update({"num_filter": nf, "num_group": group, "no_bias": chance(rng, 0.3)})
    spatial = [rng.randint(5, 9) for _ in range(nd)]
    n = rng.randint(1, 3)
    channels_last = LAYOUTS[nd][1] and chance(rng, 0.2)
    if channels_last:
        attrs["layout"] = LAYOUTS[nd][1]
        data, weight = [n] + spatial + [c], [nf] + kernel + [c // group]
    else:
        if chance(rng, 0.2):
            attrs["layout"] = LAYOUTS[nd][0]
        data, weight = [n, c] + spatial, [nf, c // group] + kernel
    ins = [data, weight] + ([] if attrs["no_bias"] else [[nf]])
    return attrs, ins


@sampler("Deconvolution")
def deconvolution(rng):
    nd = rng.choice([1, 2, 2, 3])
    attrs, kernel = window(rng, nd, dilate=False)
    group = rng.choice([1, 1, 2])
    c = group * rng.randint(1, 3)
    nf = group * rng.randint(1, 3)
    attrs.update({"num_filter": nf, "num_group": group, "no_bias": chance(rng, 0.6)})
    spatial = [rng.randint(3, 6) for _ in range(nd)]
    if chance(rng, 0.3):
        attrs["adj"] = tup(0 for _ in range(nd))
    if chance(rng, 0.3):
        stride = [int(x) for x in attrs.get("stride", tup([1] * nd)).strip("(,)").split(",") if x]
        attrs["target_shape"] = tup(s * st + rng.randint(0, 1) for s, st in zip(spatial, stride))
    data, weight = [rng.randint(1, 3), c] + spatial, [c, nf // group] + kernel
    ins = [data, weight] + ([] if attrs["no_bias"] else [[nf]])
    return attrs, ins


@sampler("Pooling")
def pooling(rng):
    convention = rng.choice(["valid", "full", "same"])
    nd = 1 if convention == "same" else rng.choice([1, 2, 2, 3])  # 'same' is 1-D only
    attrs, kernel = window(rng, nd, dilate=False)
    if convention == "same":
        attrs.pop("pad", None)
    attrs["pooling_convention"] = convention
    attrs["pool_type"] = rng.choice(["max", "avg", "sum", "lp"])
    if attrs["pool_type"] == "lp":
        attrs["p_value"] = rng.choice([1, 2])
    if chance(rng, 0.2):
        attrs["global_pool"] = True
    if attrs["pool_type"] == "avg" and chance(rng):
        attrs["count_include_pad"] = chance(rng)
    spatial = [rng.randint(3, 9) for _ in range(nd)]
    data = [rng.randint(1, 3), rng.randint(1, 4)] + spatial
    if nd > 1 and chance(rng, 0.15):
        attrs["layout"] = LAYOUTS[nd][1]
        data = [data[0]] + spatial + [data[1]]
    return attrs, [data]


@sampler("Activation")
def activation(rng):
    return {"act_type": rng.choice(["relu", "sigmoid", "tanh", "softrelu", "softsign"])}, [shape(rng)]


@sampler("LeakyReLU")
def leaky_relu(rng):
    act = rng.choice(["leaky", "prelu", "elu", "selu", "gelu", "rrelu"])
    data = shape(rng, 2, 4)
    ins = [data]
    if act == "prelu":
        ins.append([data[1]] if chance(rng, 0.8) else [1])
    return {"act_type": act}, ins


@sampler("Dropout")
def dropout(rng):
    data = shape(rng)
    attrs = {"p": rng.choice([0.1, 0.5])}
    if chance(rng, 0.3):
        attrs["axes"] = tup(rng.sample(range(len(data)), 1))
    return attrs, [data]


@sampler("Embedding", types=INT_TYPES)
def embedding(rng):
    n, k = rng.randint(2, 10), rng.randint(1, 6)
    attrs = {"input_dim": n, "output_dim": k}
    if chance(rng, 0.3):
        attrs["dtype"] = rng.choice(["float16", "float64"])
    return attrs, [shape(rng, 1, 3), [n, k]]


@sampler("LRN")
def lrn(rng):
    return {"nsize": rng.choice([3, 5])}, [[rng.randint(1, 3), rng.randint(1, 8),
                                            rng.randint(2, 5), rng.randint(2, 5)]]


@sampler("UpSampling")
def upsampling(rng):
    scale = rng.randint(1, 3)
    n, h = rng.randint(1, 2), rng.randint(2, 4)
    if chance(rng, 0.3):
        c = rng.randint(1, 3)
        k = 2 * scale - scale % 2
        return ({"scale": scale, "sample_type": "bilinear", "num_args": 1, "num_filter": c},
                [[n, c, h, h], [c, 1, k, k]])
    num = rng.randint(1, 3)
    ins = [[n, rng.randint(1, 3), h, h]]
    for _ in range(num - 1):
        f = rng.choice([1, 2])  # later inputs are upscaled to the first one's output size
        ins.append([n, rng.randint(1, 3), h * scale // f if (h * scale) % f == 0 else h * scale,
                    h * scale // f if (h * scale) % f == 0 else h * scale])
    attrs = {"scale": scale, "sample_type": "nearest", "num_args": num}
    if num > 1 and chance(rng, 0.3):
        attrs["multi_input_mode"] = "sum"
        for s in ins[1:]:
            s[1] = ins[0][1]
    return attrs, ins


def rnn_params(mode, layers, bidir, inp, hidden, proj):
    gates = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}[mode]
    d = 2 if bidir else 1
    out = proj or hidden
    size = 0
    for layer in range(layers):
        i = inp if layer == 0 else out * d
        size += d * gates * hidden * (i + out + 2)
        if proj:
            size += d * proj * hidden
    return size


@sampler("RNN")
def rnn(rng):
    mode = rng.choice(["rnn_relu", "rnn_tanh", "lstm", "gru"])
    layers, bidir = rng.randint(1, 2), chance(rng)
    hidden, inp = rng.randint(1, 5), rng.randint(1, 5)
    t, n = rng.randint(1, 5), rng.randint(1, 3)
    proj = rng.randint(1, hidden) if mode == "lstm" and chance(rng, 0.2) and hidden > 1 else None
    d = 2 if bidir else 1
    attrs = {"mode": mode, "num_layers": layers, "bidirectional": bidir, "state_size": hidden,
             "state_outputs": chance(rng)}
    if proj:
        attrs["projection_size"] = proj
    ins = [[t, n, inp], [rnn_params(mode, layers, bidir, inp, hidden, proj)],
           [layers * d, n, proj or hidden]]
    if mode == "lstm":
        ins.append([layers * d, n, hidden])
    if chance(rng, 0.2):
        attrs["use_sequence_length"] = True
        ins.append([n])
    return attrs, ins


@sampler("ROIPooling")
def roi_pooling(rng):
    return ({"pooled_size": tup([rng.randint(1, 3), rng.randint(1, 3)]), "spatial_scale": 0.5},
            [[rng.randint(1, 2), rng.randint(1, 4), 8, 8], [rng.randint(1, 4), 5]])


# --- normalization ---------------------------------------------------------------

@sampler("BatchNorm")
def batch_norm(rng):
    data = shape(rng, 1, 4)
    axis = rng.randint(-len(data), len(data) - 1) if chance(rng, 0.3) else 1 % len(data)
    attrs = {"axis": axis} if axis != 1 or len(data) == 1 else {}
    if len(data) == 1:
        attrs = {"axis": 0}
        axis = 0
    if chance(rng, 0.3):
        attrs["output_mean_var"] = True
    c = data[axis]
    return attrs, [data, [c], [c], [c], [c]]


@sampler("LayerNorm")
def layer_norm(rng):
    data = shape(rng, 1, 4)
    axis = rng.randint(-len(data), len(data) - 1)
    attrs = {"axis": axis, "output_mean_var": chance(rng, 0.3)}
    c = data[axis]
    return attrs, [data, [c], [c]]


@sampler("InstanceNorm")
def instance_norm(rng):
    data = shape(rng, 3, 5)
    return {}, [data, [data[1]], [data[1]]]


@sampler("GroupNorm")
def group_norm(rng):
    g = rng.randint(1, 3)
    data = [rng.randint(1, 3), g * rng.randint(1, 3)] + shape(rng, 1, 2)
    return {"num_groups": g, "output_mean_var": chance(rng, 0.3)}, [data, [data[1]], [data[1]]]


@sampler("L2Normalization")
def l2_normalization(rng):
    mode = rng.choice(["instance", "channel", "spatial"])
    return {"mode": mode}, [shape(rng, 2 if mode != "spatial" else 3, 4)]


# --- softmax and losses --------------------------------------------------------------

@sampler("softmax", "log_softmax", "softmin")
def softmax(rng):
    data = shape(rng)
    attrs = {"axis": rng.randint(-len(data), len(data) - 1)}
    if chance(rng, 0.3):
        attrs["temperature"] = 2.0
    if chance(rng, 0.3):
        attrs["dtype"] = rng.choice(["float16", "float32", "float64"])
    return attrs, [data]


@sampler("SoftmaxActivation")
def softmax_activation(rng):
    mode = rng.choice(["instance", "channel"])
    return {"mode": mode}, [shape(rng, 2 if mode == "instance" else 3, 4)]


@sampler("SoftmaxOutput")
def softmax_output(rng):
    data = shape(rng, 2, 4)
    attrs = {}
    r = rng.random()
    if r < 0.25 and len(data) > 2:
        attrs["multi_output"] = True
        p = 1
        for d in data[2:]:
            p *= d
        label = rng.choice([[data[0], p], [data[0]] + data[2:], [data[0], 1] + data[2:]])
    elif r < 0.4:
        attrs["preserve_shape"] = True
        label = data[:-1]
    elif r < 0.5:
        label = list(data)
    else:
        label = data[:-1]
    return attrs, [data, label]


@sampler("LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput")
def regression(rng):
    data = shape(rng, 1, 3)
    label = [data[0]] if len(data) == 2 and data[1] == 1 and chance(rng) else list(data)
    if chance(rng, 0.2):
        data = [data[0], 1]
        label = [data[0]]
    return {"grad_scale": 1.0}, [data, label]


@sampler("SVMOutput")
def svm_output(rng):
    data = shape(rng, 2, 3)
    return {}, [data, [data[0]]]


@sampler("MakeLoss")
def make_loss(rng):
    return {"normalization": rng.choice(["null", "batch", "valid"])}, [shape(rng)]


@sampler("softmax_cross_entropy")
def softmax_cross_entropy(rng):
    n, k = rng.randint(1, 5), rng.randint(2, 6)
    return {}, [[n, k], [n]]


@sampler("CTCLoss")
def ctc_loss(rng):
    t, n, c, l = rng.randint(3, 8), rng.randint(1, 4), rng.randint(2, 6), rng.randint(1, 3)
    attrs = {"use_data_lengths": chance(rng, 0.3), "use_label_lengths": chance(rng, 0.3)}
    ins = [[t, n, c], [n, l]]
    if attrs["use_data_lengths"]:
        ins.append([n])
    if attrs["use_label_lengths"]:
        ins.append([n])
    return attrs, ins


# --- shape manipulation --------------------------------------------------------------

def reshape_spec(rng, s):
    """A valid Reshape spec for shape s, using the special values."""
    total = 1
    for d in s:
        total *= d
    kind = rng.choice(["plain", "infer", "copy", "rest", "merge", "split"])
    if kind == "plain":
        return [total] if chance(rng) else [total, 1]
    if kind == "infer":
        return [-1] if chance(rng) else ([s[0], -1] if len(s) > 1 else [-1, 1])
    if kind == "copy":
        return [0] * len(s)
    if kind == "rest":
        return [0, -2] if chance(rng) else [-2]
    if kind == "merge" and len(s) >= 2:
        return [-3] + [-2]
    if kind == "split":
        d0 = s[0]
        f = next((f for f in (2, 3, 1) if d0 % f == 0), 1)
        return [-4, f, -1, -2]
    return [-1]


@sampler("Reshape")
def reshape(rng):
    s = shape(rng)
    if chance(rng, 0.15):
        t = [0] + [1] * (len(s) - 1) if chance(rng) else [0]
        return {"target_shape": tup(t), "keep_highest": chance(rng)}, [s]
    attrs = {"shape": tup(reshape_spec(rng, s))}
    if chance(rng, 0.3):
        attrs["reverse"] = True
    return attrs, [s]


@sampler("Flatten")
def flatten(rng):
    return {}, [shape(rng)]


@sampler("transpose")
def transpose(rng):
    s = shape(rng)
    if chance(rng, 0.3):
        return {}, [s]
    axes = list(range(len(s)))
    rng.shuffle(axes)
    return {"axes": tup(axes)}, [s]


@sampler("SwapAxis")
def swap_axis(rng):
    s = shape(rng)
    return {"dim1": rng.randint(-len(s), len(s) - 1), "dim2": rng.randint(0, len(s) - 1)}, [s]


@sampler("expand_dims")
def expand_dims(rng):
    s = shape(rng)
    return {"axis": rng.randint(-len(s) - 1, len(s))}, [s]


@sampler("squeeze")
def squeeze(rng):
    s = [1 if chance(rng, 0.4) else d for d in shape(rng)]
    ones = [i for i, d in enumerate(s) if d == 1]
    if ones and chance(rng, 0.6):
        return {"axis": tup(rng.sample(ones, rng.randint(1, len(ones))))}, [s]
    return {}, [s]


@sampler("Concat")
def concat(rng):
    n = rng.randint(1, 3)
    s = shape(rng)
    dim = rng.randint(-len(s), len(s) - 1)
    ins = []
    for _ in range(n):
        t = list(s)
        t[dim] = rng.randint(1, 5)
        ins.append(t)
    return {"num_args": n, "dim": dim}, ins


@sampler("stack")
def stack(rng):
    n = rng.randint(1, 3)
    s = shape(rng)
    return {"num_args": n, "axis": rng.randint(-len(s) - 1, len(s))}, [list(s) for _ in range(n)]


@sampler("SliceChannel")
def slice_channel(rng):
    s = shape(rng)
    axis = rng.randint(-len(s), len(s) - 1)
    n = rng.choice([1, 2, 3])
    s[axis] = n * (1 if chance(rng) else rng.randint(1, 3))
    return {"num_outputs": n, "axis": axis, "squeeze_axis": s[axis] == n and chance(rng)}, [s]


@sampler("_split_v2")
def split_v2(rng):
    s = shape(rng, dlo=2)
    axis = rng.randint(-len(s), len(s) - 1)
    if chance(rng):
        n = rng.choice([1, 2, 3])
        s[axis] = n * rng.randint(1, 2)
        return {"indices": "()", "sections": n, "axis": axis,
                "squeeze_axis": s[axis] == n and chance(rng)}, [s]
    s[axis] = rng.randint(3, 8)
    cuts = sorted(rng.sample(range(1, s[axis]), rng.randint(0, 2)))
    return {"indices": tup([0] + cuts), "axis": axis}, [s]


@sampler("tile")
def tile(rng):
    return {"reps": tup(rng.randint(1, 3) for _ in range(rng.randint(1, 4)))}, [shape(rng)]


@sampler("repeat")
def repeat(rng):
    s = shape(rng)
    attrs = {"repeats": rng.randint(1, 3)}
    if chance(rng, 0.7):
        attrs["axis"] = rng.randint(-len(s), len(s) - 1)
    return attrs, [s]


@sampler("Pad")
def pad(rng):
    nd = rng.choice([4, 5])
    widths = [0, 0, 0, 0] + [rng.randint(0, 2) for _ in range(2 * (nd - 2))]
    return ({"mode": rng.choice(["constant", "edge", "reflect"]), "pad_width": tup(widths)},
            [[rng.randint(1, 3)] + [rng.randint(3, 6) for _ in range(nd - 1)]])


@sampler("reverse")
def reverse(rng):
    s = shape(rng)
    return {"axis": tup(rng.sample(range(len(s)), rng.randint(1, len(s))))}, [s]


@sampler("depth_to_space")
def depth_to_space(rng):
    b = rng.randint(1, 3)
    return {"block_size": b}, [[rng.randint(1, 3), b * b * rng.randint(1, 3), rng.randint(1, 4),
                                rng.randint(1, 4)]]


@sampler("space_to_depth")
def space_to_depth(rng):
    b = rng.randint(1, 3)
    return {"block_size": b}, [[rng.randint(1, 3), rng.randint(1, 3), b * rng.randint(1, 3),
                                b * rng.randint(1, 3)]]


@sampler("reshape_like")
def reshape_like(rng):
    lhs = shape(rng, 2, 4)
    if chance(rng, 0.4):
        total = 1
        for d in lhs:
            total *= d
        return {}, [lhs, [total] if chance(rng) else [1, total]]
    lb = rng.randint(0, len(lhs) - 1)
    le = rng.randint(lb + 1, len(lhs))
    part = 1
    for d in lhs[lb:le]:
        part *= d
    rhs = [rng.randint(1, 4), part, rng.randint(1, 4)]
    attrs = {"lhs_begin": lb, "lhs_end": le, "rhs_begin": 1, "rhs_end": 2}
    if chance(rng, 0.3):
        attrs["lhs_end"] = le - len(lhs) if le < len(lhs) else "None"
    return attrs, [lhs, rhs]


@sampler("Crop")
def crop(rng):
    data = [rng.randint(1, 2), rng.randint(1, 3), rng.randint(4, 8), rng.randint(4, 8)]
    if chance(rng):
        return {"num_args": 1, "h_w": tup([rng.randint(1, 4), rng.randint(1, 4)]),
                "center_crop": chance(rng)}, [data]
    like = [1, 1, rng.randint(1, 4), rng.randint(1, 4)]
    return {"num_args": 2, "offset": tup([0, 1])}, [data, like]


@sampler("diag")
def diag(rng):
    if chance(rng, 0.3):
        return {"k": rng.randint(-2, 2)}, [shape(rng, 1, 1)]
    s = shape(rng, 2, 4)
    a1, a2 = rng.sample(range(len(s)), 2)
    return {"k": rng.randint(-2, 2), "axis1": a1, "axis2": a2 - len(s) if chance(rng) else a2}, [s]


# --- slicing, gathering, ordering ---------------------------------------------------

def slice_spec(rng, s):
    """begin, end, step tuples (with None) for some leading axes of s."""
    k = rng.randint(1, len(s))
    begin, end, step = [], [], []
    for d in s[:k]:
        st = rng.choice([1, 1, 2, -1, -2]) if chance(rng, 0.4) else 1
        b = rng.choice([None, rng.randint(-d, d - 1)])
        e = rng.choice([None, rng.randint(-d, d)])
        begin.append(b)
        end.append(e)
        step.append(st)
    fmt = lambda v: "(" + ", ".join("None" if x is None else str(x) for x in v) + ("," if len(v) == 1 else "") + ")"  # noqa: E731
    attrs = {"begin": fmt(begin), "end": fmt(end)}
    if any(x != 1 for x in step) or chance(rng, 0.2):
        attrs["step"] = fmt(step)
    return attrs


def sliced(s, attrs):
    """The slice's result shape, as Python slicing gives it."""
    import ast
    parse = lambda t: ast.literal_eval(t.replace("None", "None"))  # noqa: E731
    begin, end = parse(attrs["begin"]), parse(attrs["end"])
    step = parse(attrs["step"]) if "step" in attrs else (1,) * len(begin)
    out = list(s)
    for i, (b, e, st) in enumerate(zip(begin, end, step)):
        out[i] = len(range(*slice(b, e, st).indices(s[i])))
    return out


@sampler("slice")
def slice_(rng):
    s = shape(rng, dlo=2)
    return slice_spec(rng, s), [s]


@sampler("_slice_assign")
def slice_assign(rng):
    s = shape(rng, dlo=2)
    attrs = slice_spec(rng, s)
    return attrs, [s, sliced(s, attrs)]


@sampler("_slice_assign_scalar")
def slice_assign_scalar(rng):
    s = shape(rng, dlo=2)
    attrs = slice_spec(rng, s)
    attrs["scalar"] = 2.0
    return attrs, [s]


@sampler("slice_axis")
def slice_axis(rng):
    s = shape(rng, dlo=3)
    axis = rng.randint(-len(s), len(s) - 1)
    d = s[axis]
    b = rng.randint(0, d - 2)
    e = rng.choice([None, rng.randint(b + 1, d), b + 1 - d if b + 1 - d < 0 else None])
    return {"axis": axis, "begin": b, "end": "None" if e is None else e}, [s]


@sampler("slice_like")
def slice_like(rng):
    s = shape(rng, dlo=2)
    like = [rng.randint(1, d) for d in s]
    if chance(rng):
        axes = rng.sample(range(len(s)), rng.randint(1, len(s)))
        return {"axes": tup(a - len(s) if chance(rng, 0.3) else a for a in axes)}, [s, like]
    return {}, [s, like]


@sampler("take", types=INT_TYPES)
def take(rng):
    a, idx = shape(rng), shape(rng, 1, 3)
    return ({"axis": rng.randint(-len(a), len(a) - 1), "mode": rng.choice(["clip", "wrap"])},
            [a, idx])


@sampler("batch_take")
def batch_take(rng):
    n, k = rng.randint(1, 5), rng.randint(1, 5)
    return {}, [[n, k], [n]]


@sampler("pick", types=INT_TYPES)
def pick(rng):
    s = shape(rng)
    axis = rng.randint(-len(s), len(s) - 1)
    keep = chance(rng)
    idx = list(s)
    if keep:
        idx[axis] = 1
    else:
        del idx[axis]
    return {"axis": axis, "keepdims": keep}, [s, idx or [1]]


@sampler("one_hot", types=INT_TYPES)
def one_hot(rng):
    attrs = {"depth": rng.randint(1, 6)}
    if chance(rng, 0.4):
        attrs["dtype"] = rng.choice(["int32", "float16", "uint8"])
    return attrs, [shape(rng, 1, 3)]


@sampler("gather_nd", types=INT_TYPES)
def gather_nd(rng):
    data = shape(rng, 1, 4)
    m = rng.randint(1, len(data))
    return {}, [data, [m] + shape(rng, 1, 2)]


@sampler("scatter_nd")
def scatter_nd(rng):
    target = shape(rng, 1, 4)
    m = rng.randint(1, len(target))
    idx = [m] + shape(rng, 1, 2)
    return {"shape": tup(target)}, [idx[1:] + target[m:], idx]


@sampler("where")
def where(rng):
    s = shape(rng)
    cond = list(s) if chance(rng, 0.7) else [s[0]]
    return {}, [cond, list(s), list(s)]


def sequence(rng, op):
    axis = 0 if op == "SequenceReverse" else rng.choice([0, 1])
    data = shape(rng, 2, 4)
    attrs = {"axis": axis}
    ins = [data]
    if chance(rng, 0.5):
        attrs["use_sequence_length"] = True
        ins.append([data[1 - axis]])
    return attrs, ins


for _op in ("SequenceMask", "SequenceLast", "SequenceReverse"):
    SAMPLERS[_op] = (lambda op: lambda rng: sequence(rng, op))(_op)


@sampler("_ravel_multi_index")
def ravel(rng):
    s = shape(rng, 1, 3)
    return {"shape": tup(s)}, [[len(s), rng.randint(1, 5)]]


@sampler("_unravel_index")
def unravel(rng):
    return {"shape": tup(shape(rng, 1, 3))}, [shape(rng, 1, 2)]


@sampler("topk", types=INT_TYPES)
def topk(rng):
    s = shape(rng, dlo=2)
    attrs = {"ret_typ": rng.choice(["indices", "value", "both", "mask"]),
             "k": rng.randint(1, min(s))}
    if chance(rng, 0.2):
        attrs["axis"] = "None"
    elif chance(rng):
        attrs["axis"] = rng.randint(-len(s), len(s) - 1)
    if chance(rng, 0.3):
        attrs["dtype"] = rng.choice(["int32", "float64", "uint8"])
    return attrs, [s]


@sampler("sort", "argsort", types=INT_TYPES)
def sort(rng):
    s = shape(rng)
    attrs = {"is_ascend": chance(rng)}
    if chance(rng, 0.2):
        attrs["axis"] = "None"
    elif chance(rng):
        attrs["axis"] = rng.randint(-len(s), len(s) - 1)
    return attrs, [s]


# --- linear algebra ----------------------------------------------------------------------

@sampler("dot")
def dot(rng):
    ta, tb = chance(rng, 0.3), chance(rng, 0.3)
    k = rng.randint(1, 5)
    if chance(rng, 0.15):
        return {}, [[k], [k]]
    lhs = shape(rng, 1, 3)
    rhs = shape(rng, 1, 3)
    if len(lhs) == 1:
        ta = False
    if len(rhs) == 1:
        tb = False
    lhs[0 if ta else -1] = k
    rhs[-1 if tb else 0] = k
    return {"transpose_a": ta, "transpose_b": tb}, [lhs, rhs]


@sampler("batch_dot")
def batch_dot(rng):
    ta, tb = chance(rng, 0.3), chance(rng, 0.3)
    b, m, k, n = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4)
    lhs = [b, k, m] if ta else [b, m, k]
    rhs = [b, n, k] if tb else [b, k, n]
    return {"transpose_a": ta, "transpose_b": tb}, [lhs, rhs]


@sampler("khatri_rao")
def khatri_rao(rng):
    n, c = rng.randint(1, 3), rng.randint(1, 4)
    return {"num_args": n}, [[rng.randint(1, 4), c] for _ in range(n)]


def batch(rng):
    return shape(rng, 0, 2, 1, 3)


@sampler("_linalg_gemm", "_linalg_gemm2", types=["float32", "float64"])
def gemm(rng):
    ta, tb = chance(rng, 0.3), chance(rng, 0.3)
    bt, m, k, n = batch(rng), rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4)
    a = bt + ([k, m] if ta else [m, k])
    b = bt + ([n, k] if tb else [k, n])
    return {"transpose_a": ta, "transpose_b": tb}, [a, b, bt + [m, n]]


def _gemm2(rng):
    attrs, ins = gemm(rng)
    return attrs, ins[:2]


SAMPLERS["_linalg_gemm2"] = _gemm2


@sampler("_linalg_potrf", "_linalg_potri", "_linalg_inverse", "_linalg_det", "_linalg_slogdet",
         "_linalg_sumlogdiag", "_linalg_syevd", types=["float32", "float64"])
def square(rng):
    n = rng.randint(1, 4)
    return {}, [batch(rng) + [n, n]]


@sampler("_linalg_trmm", "_linalg_trsm", types=["float32", "float64"])
def triangular(rng):
    right = chance(rng, 0.4)
    bt, m, n = batch(rng), rng.randint(1, 4), rng.randint(1, 4)
    a = bt + ([n, n] if right else [m, m])
    return {"rightside": right, "transpose": chance(rng), "lower": chance(rng)}, [a, bt + [m, n]]


@sampler("_linalg_syrk", types=["float32", "float64"])
def syrk(rng):
    return {"transpose": chance(rng)}, [batch(rng) + [rng.randint(1, 4), rng.randint(1, 4)]]


@sampler("_linalg_gelqf", types=["float32", "float64"])
def gelqf(rng):
    m = rng.randint(1, 3)
    return {}, [batch(rng) + [m, m + rng.randint(0, 2)]]


@sampler("_linalg_extractdiag", "_linalg_extracttrian", types=["float32", "float64"])
def extract(rng):
    n = rng.randint(2, 5)
    return {"offset": rng.randint(-n + 1, n - 1)}, [batch(rng) + [n, n]]


@sampler("_linalg_makediag", types=["float32", "float64"])
def makediag(rng):
    return {"offset": rng.randint(-2, 2)}, [batch(rng) + [rng.randint(1, 4)]]


@sampler("_linalg_maketrian", types=["float32", "float64"])
def maketrian(rng):
    m = rng.randint(1, 4)
    return {"offset": rng.randint(-1, 1)}, [batch(rng) + [m * (m + 1) // 2]]


# --- arrays from attributes --------------------------------------------------------------

@sampler("_zeros", "_ones", "_full", types=["float32", "float64", "int32", "float16"])
def init(rng):
    attrs = {"shape": tup(shape(rng))}
    if chance(rng):
        attrs["dtype"] = rng.choice(["int32", "float64", "uint8", "bool"])
    return attrs, []


SAMPLERS["_full"] = lambda rng: ({**init(rng)[0], "value": 2.5}, [])


@sampler("_zeros_without_dtype")
def zeros_without_dtype(rng):
    attrs = {"shape": tup(shape(rng))}
    if chance(rng):
        attrs["dtype"] = rng.choice([0, 1, 4])
    return attrs, []


@sampler("_arange", types=["float32", "float64", "int32"])
def arange(rng):
    attrs = {"start": rng.choice([0, 1.5, 2, -3]), "step": rng.choice([1, 0.5, 2, -1]),
             "repeat": rng.randint(1, 3)}
    if chance(rng, 0.7):
        s = float(attrs["start"])
        st = float(attrs["step"])
        attrs["stop"] = s + st * rng.randint(0, 6) + rng.choice([0, st / 2])
    elif float(attrs["step"]) < 0 or float(attrs["start"]) < 0:
        attrs["start"] = 4
        attrs["step"] = 1
    if chance(rng, 0.3):
        attrs["dtype"] = rng.choice(["int32", "float64"])
    return attrs, []


@sampler("_linspace", types=["float32", "float64"])
def linspace(rng):
    return {"start": 0, "stop": rng.choice([1, 5]), "num": rng.randint(0, 6),
            "endpoint": chance(rng)}, []


@sampler("_eye", types=["float32", "float64", "int32"])
def eye(rng):
    attrs = {"N": rng.randint(1, 5)}
    if chance(rng):
        attrs["M"] = rng.randint(0, 5)
    if chance(rng):
        attrs["k"] = rng.randint(-2, 2)
    return attrs, []


# --- random -----------------------------------------------------------------------------

RANDOM = ["_random_uniform", "_random_normal", "_random_exponential", "_random_gamma",
          "_random_poisson", "_random_negative_binomial", "_random_generalized_negative_binomial"]


@sampler(*RANDOM)
def random_source(rng):
    attrs = {"shape": tup(shape(rng))} if chance(rng, 0.8) else {}
    if chance(rng, 0.4):
        attrs["dtype"] = rng.choice(["float16", "float32", "float64"])
    return attrs, []


@sampler("_random_randint", types=["int32", "int64", "float32"])
def randint(rng):
    attrs = {"low": 0, "high": 10, "shape": tup(shape(rng))}
    if chance(rng, 0.4):
        attrs["dtype"] = rng.choice(["int32", "int64"])
    return attrs, []


SAMPLE = {"_sample_uniform": 2, "_sample_normal": 2, "_sample_gamma": 2,
          "_sample_exponential": 1, "_sample_poisson": 1, "_sample_negative_binomial": 2,
          "_sample_generalized_negative_binomial": 2}


def sample_params(rng, op):
    s = shape(rng, 1, 3)
    attrs = {"shape": tup(shape(rng, 1, 2))} if chance(rng, 0.7) else {}
    if chance(rng, 0.3):
        attrs["dtype"] = rng.choice(["float16", "float64"])
    return attrs, [list(s) for _ in range(SAMPLE[op])]


for _op in SAMPLE:
    SAMPLERS[_op] = (lambda op: lambda rng: sample_params(rng, op))(_op)


@sampler("_sample_multinomial")
def multinomial(rng):
    attrs = {"get_prob": chance(rng, 0.3)}
    if chance(rng, 0.7):
        attrs["shape"] = tup(shape(rng, 1, 2))
    if chance(rng, 0.3):
        attrs["dtype"] = rng.choice(["float32", "uint8"])
    return attrs, [shape(rng, 1, 3)]


# --- optimizer steps ----------------------------------------------------------------------

UPDATE = {"sgd_update": 2, "sgd_mom_update": 3, "nag_mom_update": 3, "adam_update": 4,
          "rmsprop_update": 3, "rmspropalex_update": 5, "ftrl_update": 4, "ftml_update": 5,
          "signsgd_update": 2, "signum_update": 3, "lamb_update_phase1": 4,
          "mp_sgd_update": 3, "mp_sgd_mom_update": 4, "mp_nag_mom_update": 4,
          "mp_lamb_update_phase1": 5}
SCALAR_INPUTS = {"_adamw_update": (4, 1), "_mp_adamw_update": (5, 1),
                 "lamb_update_phase2": (2, 2), "mp_lamb_update_phase2": (2, 2)}


def update(rng, op):
    attrs = {"lr": 0.1}
    if "lamb_update_phase1" in op:
        attrs = {"t": 1, "wd": 0.01}
    if op == "ftml_update":
        attrs["t"] = 1
    if "adamw" in op:
        attrs["eta"] = 1.0
    s = shape(rng)
    if op in SCALAR_INPUTS:
        full, ones = SCALAR_INPUTS[op]
        ins = [list(s) for _ in range(full)] + [[1]] * ones
        if op == "mp_lamb_update_phase2":
            ins.append(list(s))  # weight32 after r1, r2
        return attrs, ins
    return attrs, [list(s) for _ in range(UPDATE[op])]


for _op in list(UPDATE) + list(SCALAR_INPUTS):
    SAMPLERS[_op] = (lambda op: lambda rng: update(rng, op))(_op)
    TYPE_SETS[_op] = ["float32", "float16", "float64"]


@sampler("all_finite")
def all_finite(rng):
    return {}, [shape(rng)]
