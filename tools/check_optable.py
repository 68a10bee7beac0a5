#!/usr/bin/env python3
"""check_optable.py - compares mxc's op table with the operators of MXNet 1.9.1.

Runs under an interpreter that has mxnet 1.9.1 (/opt/mxnet-venv/bin/python).
Reads the op table the way the build does (tools/gen_optable.read_ops over
`llvm-tblgen --dump-json` records) and checks, against the real library:

- every op name and alias exists in MXNet and names the same operator;
- every attribute exists there with the same requiredness, a compatible
  kind, the same default (normalized: "0"/"False", "[]"/"()", "None") and
  the same enum choices, and MXNet has no attribute we lack;
- the input names (FListInputNames), the auxiliary states (mutated
  inputs) and the visible output names match what mx.sym builds, for the
  default attributes and for each setting that changes an input condition
  or an output count;
- the table covers the operators mxc promises (REQUIRED below).

Attribute specs come from the parser itself where it can be asked (the
"Possible Arguments" list MXNet prints for an unknown argument), else from
MXSymbolGetAtomicSymbolInfo: a few ops register a parser whose fields differ
from their documented arguments (_linspace).

Exit status: 0 all match, 1 differences (listed), 77 no mxnet (skipped).
"""
import argparse
import ctypes
import importlib.util
import itertools
import json
import math
import os
import re
import sys
import warnings

# The operators mxc must define (by name or alias): the symbolic operators
# real models and mx.optimizer use.
REQUIRED = """
FullyConnected Convolution Deconvolution Pooling Activation LeakyReLU BatchNorm LayerNorm
Dropout Flatten Reshape transpose expand_dims Concat SliceChannel split slice slice_axis clip
Embedding dot batch_dot sum mean max min prod nansum argmax argmin norm softmax log_softmax
SoftmaxActivation SoftmaxOutput Softmax LinearRegressionOutput LogisticRegressionOutput
MAERegressionOutput MakeLoss BlockGrad stop_gradient
elemwise_add elemwise_sub elemwise_mul elemwise_div _plus _Plus _add _minus _sub _Minus _mul _Mul
_div _Div _plus_scalar _minus_scalar _rminus_scalar _mul_scalar _div_scalar _rdiv_scalar
_power_scalar _rpower_scalar _mod_scalar _rmod_scalar _maximum_scalar _minimum_scalar
_equal_scalar _not_equal_scalar _greater_scalar _greater_equal_scalar _lesser_scalar
_lesser_equal_scalar broadcast_add broadcast_sub broadcast_mul broadcast_div broadcast_mod
broadcast_power broadcast_maximum broadcast_minimum broadcast_equal broadcast_not_equal
broadcast_greater broadcast_greater_equal broadcast_lesser broadcast_lesser_equal
broadcast_logical_and broadcast_logical_or broadcast_logical_xor _power _maximum _minimum _mod
_equal _not_equal _greater _greater_equal _lesser _lesser_equal _hypot
abs sign round rint ceil floor trunc fix square sqrt rsqrt cbrt exp expm1 log log10 log2 log1p
sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh degrees radians sigmoid
relu softsign erf gamma gammaln reciprocal negative logical_not _copy identity cast Cast
zeros_like ones_like where one_hot pick take add_n ElementWiseSum stack tile repeat pad Pad
swapaxes SwapAxis squeeze broadcast_to broadcast_like broadcast_axis reshape_like slice_like
topk sort argsort SequenceMask
_random_uniform _random_normal _random_randint _zeros _ones _full _arange _linspace _eye
sgd_update sgd_mom_update adam_update nag_mom_update rmsprop_update rmspropalex_update
ftrl_update signsgd_update signum_update mp_sgd_update mp_sgd_mom_update
lamb_update_phase1 lamb_update_phase2
""".split()

# Values for required tuple attributes when building a symbol (any valid
# value), and attributes an op needs although MXNet calls them optional.
SAMPLE = {
    "kernel": "(3, 3)", "pad_width": "(0, 0, 0, 0, 1, 1, 1, 1)", "pooled_size": "(2, 2)",
    "begin": "(0,)", "end": "(1,)", "indices": "(0, 2)", "reps": "(2,)",
}
NEEDED = {"Pooling": {"kernel": "(2, 2)"}}


def fail_usage(msg):
    sys.exit(f"check_optable.py: error: {msg}")


def load_gen_optable():
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("gen_optable", os.path.join(here, "gen_optable.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# --- MXNet side -------------------------------------------------------------

class MX:
    """Queries the MXNet library: op info, parser specs, symbols."""

    def __init__(self, mx):
        from mxnet.base import _LIB, check_call, py_str, c_str, c_str_array, mx_uint, OpHandle
        from mxnet.base import SymbolHandle
        self.mx, self.lib, self.check_call, self.py_str = mx, _LIB, check_call, py_str
        self.c_str, self.c_str_array, self.mx_uint = c_str, c_str_array, mx_uint
        self.OpHandle, self.SymbolHandle = OpHandle, SymbolHandle
        plist = ctypes.POINTER(ctypes.c_char_p)()
        size = ctypes.c_uint()
        check_call(_LIB.MXListAllOpNames(ctypes.byref(size), ctypes.byref(plist)))
        self.names = {py_str(plist[i]) for i in range(size.value)}

    def handle(self, name):
        h = self.OpHandle()
        self.check_call(self.lib.NNGetOpHandle(self.c_str(name), ctypes.byref(h)))
        return h

    def info(self, name):
        """(real name, [(arg, type string)], key_var_num_args)."""
        real, desc, n = ctypes.c_char_p(), ctypes.c_char_p(), self.mx_uint()
        names, types, descs = (ctypes.POINTER(ctypes.c_char_p)() for _ in range(3))
        kv, ret = ctypes.c_char_p(), ctypes.c_char_p()
        self.check_call(self.lib.MXSymbolGetAtomicSymbolInfo(
            self.handle(name), ctypes.byref(real), ctypes.byref(desc), ctypes.byref(n),
            ctypes.byref(names), ctypes.byref(types), ctypes.byref(descs), ctypes.byref(kv),
            ctypes.byref(ret)))
        args = [(self.py_str(names[i]), self.py_str(types[i])) for i in range(n.value)]
        return self.py_str(real.value), args, self.py_str(kv.value) if kv.value else ""

    def make(self, name, attrs, inputs=None, node="n"):
        """A symbol of op `name` with string attributes, composed with inputs
        (a list, or None for automatically created variables)."""
        sh = self.SymbolHandle()
        keys = list(attrs)
        self.check_call(self.lib.MXSymbolCreateAtomicSymbol(
            self.handle(name), self.mx_uint(len(keys)), self.c_str_array(keys),
            self.c_str_array([attrs[k] for k in keys]), ctypes.byref(sh)))
        s = self.mx.sym.Symbol(sh)
        if inputs:
            s._compose(*inputs, name=node)
        else:
            s._compose(name=node)
        return s

    def parser_args(self, name):
        """The parser's own [(attr, type string)], or None if it cannot say."""
        try:
            self.make(name, {"mxc_no_such_attribute": "1"})
        except self.mx.base.MXNetError as e:
            text = str(e)
            if "Possible Arguments:" not in text:
                return None
            body = text.split("Possible Arguments:", 1)[1].split(", in operator", 1)[0]
            args = []
            for line in body.splitlines():
                m = re.match(r"^(\w+) : (.*)$", line)
                if m:
                    args.append((m.group(1), m.group(2).strip()))
            return args
        return None


# --- normalization ------------------------------------------------------------

def split_type(t):
    """'int, optional, default=\\'1\\'' -> ('int', required, default text)."""
    m = re.match(r"^(\{.*\}|[^,]*)\s*,?\s*(.*)$", t)
    base, rest = m.group(1).strip(), m.group(2)
    required = "required" in rest or ("optional" not in rest and "default" not in rest)
    d = re.search(r"default=(.*)$", rest)
    default = d.group(1).strip() if d else None
    if default is not None and len(default) >= 2 and default[0] == default[-1] == "'":
        default = default[1:-1]
    return base, required, default


def enum_choices(base):
    """"{None, 'a', 'b'}" -> (['a', 'b'], has_none)."""
    items = [x.strip() for x in base.strip("{}").split(",")]
    has_none = any(x in ("None", "'None'") for x in items)
    return sorted(x.strip("'") for x in items if x not in ("None", "'None'")), has_none


KIND_OF_BASE = [
    (r"^(int|long)( \(non-negative\))?$", {"Int"}),
    (r"^(int|long) or None$", {"OptInt"}),
    (r"^(float|double)$", {"Float"}),
    (r"^(float|double) or None$", {"OptFloat"}),
    (r"^boolean$", {"Bool"}),
    (r"^boolean or None$", {"OptBool"}),
    (r"^Shape\(tuple\)$", {"Shape", "OptShape", "IntOrNoneTuple"}),
    (r"^Shape or None$", {"OptShape"}),
    (r"^tuple of <(int|long)>$", {"Shape"}),
    (r"^string$", {"Str"}),
]


def norm_value(kind, text):
    """A default in comparable form; text is MXNet's or ours."""
    if text is None or text in ("None", "'None'"):
        return None
    if kind in ("Bool", "OptBool"):
        return {"0": False, "false": False, "1": True, "true": True}[text.lower()]
    if kind in ("Int", "OptInt"):
        return int(text)
    if kind in ("Float", "OptFloat"):
        return float(text)
    if kind in ("Shape", "OptShape", "IntOrNoneTuple"):
        inner = text.strip("()[]").replace(" ", "")
        return tuple(None if x == "None" else int(x) for x in inner.split(",") if x)
    return text.strip("'")


def same_value(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=2e-7, abs_tol=1e-30)
    return a == b


# --- our side -----------------------------------------------------------------

def attr_text(op, values, name):
    a = next(x for x in op["attrs"] if x["name"] == name)
    return values.get(name, a["default"])


def truthy(text):
    return text not in ("None", "False", "0", "", "()", "[]")


def holds(op, values, cond):
    for sep in ("==", "!="):
        if sep in cond:
            name, value = cond.split(sep, 1)
            return (attr_text(op, values, name) == value) == (sep == "==")
    if cond.startswith("!"):
        return not truthy(attr_text(op, values, cond[1:]))
    return truthy(attr_text(op, values, cond))


def eval_count(op, values, e):
    """Count expression (dialects/mx/MxBase.td) with string attribute values."""
    if "?" in e:
        cond, rest = e.split("?", 1)
        depth = 0
        for i, c in enumerate(rest):
            if c == "?":
                depth += 1
            elif c == ":":
                if depth == 0:
                    break
                depth -= 1
        return eval_count(op, values, rest[:i] if holds(op, values, cond) else rest[i + 1:])
    if e.lstrip("-").isdigit():
        return int(e)
    if e.startswith("len("):
        return len(norm_value("Shape", attr_text(op, values, e[4:-1])))
    return int(attr_text(op, values, e))


def our_inputs(op, values):
    names = []
    for i in op["inputs"]:
        kind = i["cond"]
        if kind != "Always":
            cond = {"Truthy": i["condAttr"], "Falsy": "!" + i["condAttr"],
                    "Eq": f"{i['condAttr']}=={i['condValue']}",
                    "Ne": f"{i['condAttr']}!={i['condValue']}"}[kind]
            if not holds(op, values, cond):
                continue
        if i["variadic"]:
            names += [f"arg{k}" for k in range(int(attr_text(op, values, op["numArgsAttr"])))]
        else:
            names.append(i["name"])
    return names


def our_outputs(op, values):
    n = eval_count(op, values, op["numOutputsExpr"]) if op["numOutputsExpr"] else op["numOutputs"]
    visible = eval_count(op, values, op["visibleOutputs"]) if op["visibleOutputs"] else n
    given = op["outputNames"]
    if op["variadicOutputs"] and given:
        names = [given[0].replace("{i}", str(i)) for i in range(n)]
    else:
        names = [given[i] if i < len(given) else ("output" if n == 1 else f"output{i}")
                 for i in range(n)]
    return names[:visible]


def sample_value(a):
    if a["name"] in SAMPLE and a["kind"] in ("Shape", "IntOrNoneTuple"):
        return SAMPLE[a["name"]]
    if a["choices"]:
        return a["choices"][0]
    return {"Int": "2", "OptInt": "1", "Float": "0.5", "OptFloat": "0.5", "Bool": "False",
            "OptBool": "False", "Str": "x", "Shape": "(2, 2)", "OptShape": "(2, 2)",
            "IntOrNoneTuple": "(0,)"}[a["kind"]]


def configurations(op):
    """Attribute settings to build: required ones filled, then each setting of
    an attribute that an input condition or a count expression reads."""
    base = {a["name"]: sample_value(a) for a in op["attrs"] if a["required"]}
    base.update(NEEDED.get(op["name"], {}))
    exprs = " ".join(filter(None, [op["numOutputsExpr"], op["visibleOutputs"]] +
                            [i["condAttr"] for i in op["inputs"]]))
    varied = {}
    for a in op["attrs"]:
        if not re.search(r"(?<!\w)" + re.escape(a["name"]) + r"(?!\w)", exprs):
            continue
        if a["kind"] in ("Bool", "OptBool"):
            varied[a["name"]] = ["False", "True"]
        elif a["choices"]:
            varied[a["name"]] = list(a["choices"])
        elif a["kind"] == "Int":
            varied[a["name"]] = ["0", "3"] if not a["required"] else ["1", "2", "3"]
        elif a["kind"] == "Shape":
            varied[a["name"]] = ["(0, 2, 4)"]
    keys = sorted(varied)
    for combo in itertools.product(*(varied[k] for k in keys)):
        values = dict(base)
        values.update(zip(keys, combo))
        if op["name"] == "Crop" and values.get("num_args") not in ("1", "2"):
            continue  # Crop takes one or two inputs
        if op["name"] == "UpSampling" and values.get("sample_type") == "bilinear":
            values["num_args"] = "1"
        yield values


# --- the checks -----------------------------------------------------------------

def check_names(ops, mx, errors):
    ours = {}
    for op in ops:
        for n in [op["name"]] + op["aliases"]:
            ours[n] = op["name"]
            if n not in mx.names:
                errors.append(f"{op['name']}: '{n}' is not an MXNet operator")
                continue
            real = mx.info(n)[0]
            if real != op["name"]:
                errors.append(f"{op['name']}: MXNet's '{n}' is an alias of '{real}'")
    for n in REQUIRED:
        if n not in ours:
            errors.append(f"required operator '{n}' is missing from the table")
    return ours


def check_attrs(op, mx, errors):
    where = op["name"]
    _, info_args, key_var = mx.info(op["name"])
    info_attrs = [(n, t) for n, t in info_args if not t.startswith(("NDArray", "Symbol"))]
    parser = mx.parser_args(op["name"])
    mx_attrs = dict(parser if parser is not None else info_attrs)
    ours = {a["name"]: a for a in op["attrs"]}
    for name, t in mx_attrs.items():
        if name not in ours:
            errors.append(f"{where}: MXNet attribute '{name}' ({t}) is missing")
            continue
        a = ours[name]
        base, required, default = split_type(t)
        if base.startswith("{"):
            choices, has_none = enum_choices(base)
            kinds = {"OptEnum", "OptDType"} if has_none else {"Enum", "DType"}
            if sorted(a["choices"]) != choices:
                errors.append(f"{where}.{name}: choices {sorted(a['choices'])}, MXNet {choices}")
        else:
            kinds = next((k for pat, k in KIND_OF_BASE if re.match(pat, base)), None)
            if kinds is None:
                errors.append(f"{where}.{name}: MXNet kind '{t}' has no mapping")
                continue
        if a["kind"] not in kinds:
            errors.append(f"{where}.{name}: kind {a['kind']}, MXNet '{base}' wants {sorted(kinds)}")
        if a["required"] != required:
            errors.append(f"{where}.{name}: required={a['required']}, MXNet says '{t}'")
        elif not required:
            theirs = norm_value(a["kind"], default)
            mine = norm_value(a["kind"], a["default"])
            if not same_value(theirs, mine):
                errors.append(f"{where}.{name}: default '{a['default']}', MXNet '{default}'")
    for name in ours:
        if name not in mx_attrs and name != key_var:
            errors.append(f"{where}: attribute '{name}' is not MXNet's")
    # MXNet's key_var_num_args is the attribute Python fills with the input
    # count; amp_multicast has none, yet its num_outputs counts the inputs.
    if op["numArgsAttr"] and op["numArgsAttr"] != key_var and (
            key_var or op["numArgsAttr"] not in mx_attrs):
        errors.append(f"{where}: count attribute '{op['numArgsAttr']}', MXNet's is '{key_var}'")


def check_io(op, mx, errors):
    where = op["name"]
    for values in configurations(op):
        setting = ", ".join(f"{k}={v}" for k, v in sorted(values.items())) or "defaults"
        want_in = our_inputs(op, values)
        variadic = any(i["variadic"] for i in op["inputs"]) or op["name"] == "Crop"
        try:
            if variadic:
                # Variadic inputs are never created automatically: give them.
                s = mx.make(op["name"], values, [mx.mx.sym.var(n) for n in want_in])
                got_in = s.list_arguments() + s.list_auxiliary_states()
                want_aux = []
            else:
                try:
                    s = mx.make(op["name"], values)
                    got_in = [n[2:] for n in s.list_inputs()]
                except mx.mx.base.MXNetError:
                    # Ops that mutate inputs must be given them: check the count.
                    s = mx.make(op["name"], values, [mx.mx.sym.var(n) for n in want_in])
                    got_in = s.list_inputs()
                want_aux = [want_in[i] for i in op["mutate"] if i < len(want_in)]
            got_aux = [n[2:] if n.startswith("n_") else n for n in s.list_auxiliary_states()]
            got_out = [n[2:] for n in s.list_outputs()]
        except mx.mx.base.MXNetError as e:
            errors.append(f"{where} ({setting}): MXNet cannot build it: {str(e).splitlines()[0]}")
            continue
        if got_in != want_in:
            errors.append(f"{where} ({setting}): inputs {want_in}, MXNet {got_in}")
        if not variadic and got_aux != want_aux:
            errors.append(f"{where} ({setting}): mutated inputs {want_aux}, MXNet aux {got_aux}")
        want_out = our_outputs(op, values)
        if got_out != want_out:
            errors.append(f"{where} ({setting}): outputs {want_out}, MXNet {got_out}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("records", help="llvm-tblgen --dump-json output (build/mx_records.json)")
    p.add_argument("--list-missing", action="store_true",
                   help="also list MXNet's legacy operators the table lacks")
    p.add_argument("--mxnet-python", metavar="PATH",
                   help="re-run under this interpreter (the one with mxnet 1.9.1)")
    args = p.parse_args()
    # (Virtual environments share one binary: compare the paths as given.)
    if args.mxnet_python and os.path.abspath(sys.executable) != os.path.abspath(args.mxnet_python):
        if not os.path.exists(args.mxnet_python):
            print(f"SKIP: no MXNet interpreter at {args.mxnet_python} (set MXC_MXNET_PYTHON)")
            return 77
        os.execv(args.mxnet_python, [args.mxnet_python, os.path.abspath(__file__), args.records,
                                     "--mxnet-python", args.mxnet_python]
                 + (["--list-missing"] if args.list_missing else []))
    warnings.filterwarnings("ignore")  # numpy deprecations inside mxnet 1.9.1
    try:
        import mxnet
    except ImportError as e:
        print(f"SKIP: mxnet is not importable with {sys.executable}: {e}")
        return 77
    gen = load_gen_optable()
    with open(args.records) as f:
        # Internal ops (mxInternal: mx-gradient's backward ops) are not MXNet operators.
        ops = [op for op in gen.read_ops(json.load(f)) if not op["internal"]]
    mx = MX(mxnet)
    errors = []
    ours = check_names(ops, mx, errors)
    for op in ops:
        if op["name"] in mx.names:
            check_attrs(op, mx, errors)
            check_io(op, mx, errors)
    if args.list_missing:
        legacy = sorted(n for n in mx.names
                        if not n.startswith(("_np", "_contrib", "_sparse", "_backward", "_image"))
                        and n not in ours)
        print(f"MXNet operators not in the table ({len(legacy)}): {' '.join(legacy)}")
    aliases = sum(len(op["aliases"]) for op in ops)
    for e in errors:
        print(e)
    print(f"{len(ops)} operators and {aliases} aliases checked against mxnet "
          f"{mxnet.__version__}: {len(errors)} difference(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
