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
