#!/usr/bin/env python3
"""make_cases.py - shape and type inference cases, answered by MXNet 1.9.1.

Run with the MXNet interpreter (/opt/mxnet-venv/bin/python make_cases.py);
it rewrites cases.json next to it, which test/runtime/infer_cases_test.cc
replays against mxc's shape and type functions.

For every operator a sampler draws valid attributes and input shapes; each
draw then yields variants: all inputs known, some inputs or dims unknown,
an output given (backward inference, through `elemwise_add(out, given)`),
and one dim or dtype changed (a conflict, or a case MXNet accepts anyway).
MXNet's infer_shape_partial / infer_type_partial decide every expectation:
the completed input and output shapes (or dtypes), or an error.

Shapes are written with -1 for an unknown dim and null for an unknown
shape (MXNet's legacy mode prints these as 0 and ()). Draws are seeded, so
the file only changes when this script does.
"""
import ctypes
import json
import os
import random
import sys
import warnings

warnings.filterwarnings("ignore")
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402
from mxnet.base import _LIB, check_call, c_str, c_str_array, mx_uint, OpHandle  # noqa: E402
from mxnet.base import SymbolHandle  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samplers import DELIBERATE, GARBAGE, SAMPLERS, TYPE_SETS  # noqa: E402

DRAWS = 6           # valid draws per operator
VARIANTS = 5        # partial / backward / conflict variants per draw


def make(op, attrs, inputs):
    h = OpHandle()
    check_call(_LIB.NNGetOpHandle(c_str(op), ctypes.byref(h)))
    sh = SymbolHandle()
    keys = list(attrs)
    check_call(_LIB.MXSymbolCreateAtomicSymbol(h, mx_uint(len(keys)), c_str_array(keys),
                                               c_str_array([attrs[k] for k in keys]),
                                               ctypes.byref(sh)))
    s = mx.sym.Symbol(sh)
    s._compose(*inputs, name="n")
    return s


def build(op, attrs, n_in, given_out):
    """The op on variables i0.., plus elemwise_add(out_k, o_k) for each given
    output; returns (group symbol, number of the op's visible outputs)."""
    s = make(op, attrs, [mx.sym.var(f"i{k}") for k in range(n_in)])
    n_vis = len(s.list_outputs())
    heads = [s[k] for k in range(n_vis)]
    for k, g in enumerate(given_out or []):
        if g is not None:
            heads.append(make("elemwise_add", {}, [s[k], mx.sym.var(f"o{k}")]))
    return (mx.sym.Group(heads) if len(heads) > 1 else heads[0]), n_vis


def to_mx(shape):
    return tuple(0 if d == -1 else d for d in shape)


def from_mx(shape):
    if shape is None or len(shape) == 0:
        return None
    return [-1 if d == 0 else int(d) for d in shape]


def error_text(e):
    text = str(e).split("\n")[0]
    for marker in ("Error in operator n: ", "MXNetError: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text[:300]


def run_shapes(op, attrs, ins, outs=None):
    case = {"op": op, "attrs": attrs, "in": ins}
    if outs:
        case["out"] = outs
    try:
        sym, n_vis = build(op, attrs, len(ins), outs)
        kw = {f"i{k}": to_mx(s) for k, s in enumerate(ins) if s is not None}
        kw.update({f"o{k}": to_mx(s) for k, s in enumerate(outs or []) if s is not None})
        arg, out, aux = sym.infer_shape_partial(**kw)
    except mx.base.MXNetError as e:
        case["error"] = error_text(e)
        return case
    names = sym.list_arguments() + sym.list_auxiliary_states()
    got = dict(zip(names, list(arg) + list(aux)))
    result_in = [from_mx(got.get(f"i{k}")) for k in range(len(ins))]
    result_out = [from_mx(s) for s in out[:n_vis]]
    if any(d < -1 for s in result_in + result_out if s for d in s):
        return None  # MXNet computed with unknown dims (garbage): not a case
    case["expect_in"], case["expect_out"] = result_in, result_out
    return case


def run_types(op, attrs, ins, outs=None):
    case = {"op": op, "attrs": attrs, "in": ins}
    if outs:
        case["out"] = outs
    try:
        sym, n_vis = build(op, attrs, len(ins), outs)
        kw = {f"i{k}": t for k, t in enumerate(ins) if t is not None}
        kw.update({f"o{k}": t for k, t in enumerate(outs or []) if t is not None})
        arg, out, aux = sym.infer_type_partial(**kw)
    except mx.base.MXNetError as e:
        case["error"] = error_text(e)
        return case
    names = sym.list_arguments() + sym.list_auxiliary_states()
    got = dict(zip(names, list(arg) + list(aux)))
    def name(t):  # mxnet spells bfloat16 as a 2-byte numpy void type
        return None if t is None else ("bfloat16" if np.dtype(t).name == "void16"
                                       else np.dtype(t).name)
    case["expect_in"] = [name(got.get(f"i{k}")) for k in range(len(ins))]
    case["expect_out"] = [name(t) for t in out[:n_vis]]
    return case


def mark(case):
    """Notes a deliberate difference from MXNet (samplers.DELIBERATE)."""
    if case and case["op"] in DELIBERATE:
        pred, what, why = DELIBERATE[case["op"]]
        if pred(case):
            case["mxc"], case["why"] = what, why
    return case


def shape_variants(rng, op, attrs, ins, full):
    """Partial, backward and conflicting versions of one valid draw."""
    out = []
    for _ in range(VARIANTS):
        kind = rng.choice(["partial", "partial", "backward", "conflict"])
        new = [None if s is None else list(s) for s in ins]
        given = None
        if kind in ("partial", "backward"):
            for k, s in enumerate(new):
                if s is None:
                    continue
                r = rng.random()
                if r < 0.3:
                    new[k] = None
                elif r < 0.7 and s:
                    s[rng.randrange(len(s))] = -1
        if kind == "backward":
            given = [None if s is None else list(s) for s in full["expect_out"]]
            for s in given:
                if s and rng.random() < 0.3:
                    s[rng.randrange(len(s))] = -1
        if kind == "conflict":
            candidates = [k for k, s in enumerate(new) if s]
            if not candidates:
                continue
            k = rng.choice(candidates)
            d = rng.randrange(len(new[k]))
            new[k][d] = new[k][d] + rng.choice([1, 2, 3])
        if op in GARBAGE and GARBAGE[op](attrs, new):
            continue
        case = mark(run_shapes(op, attrs, new, given))
        if case:
            out.append(case)
    return out


def type_variants(rng, op, attrs, n_in, dtypes):
    cases = []
    base = rng.choice(dtypes)
    ins = [base] * n_in
    cases.append(run_types(op, attrs, ins))
    for _ in range(3):
        new = list(ins)
        kind = rng.choice(["partial", "conflict", "backward"])
        given = None
        if kind == "partial" or kind == "backward":
            for k in range(n_in):
                if rng.random() < 0.5:
                    new[k] = None
        if kind == "backward":
            given = [rng.choice(dtypes)]
        if kind == "conflict" and n_in:
            new[rng.randrange(n_in)] = rng.choice(dtypes)
        cases.append(run_types(op, attrs, new, given))
    return cases


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    only = set(sys.argv[1:])
    shape_cases, type_cases = [], []
    for op, sampler in sorted(SAMPLERS.items()):
        if only and op not in only:
            continue
        rng = random.Random(op)  # per-op seed: adding an op changes no other op's cases
        for _ in range(DRAWS):
            attrs, ins = sampler(rng)
            attrs = {k: str(v) for k, v in attrs.items()}
            full = mark(run_shapes(op, attrs, ins))
            if full is None:
                continue
            shape_cases.append(full)
            if "error" not in full and "mxc" not in full:
                shape_cases += shape_variants(rng, op, attrs, ins, full)
            type_cases += type_variants(rng, op, attrs, len(ins), TYPE_SETS.get(op, TYPE_SETS[None]))
    path = os.path.join(here, "cases.json")
    if only:  # refresh those ops only, keep the rest
        with open(path) as f:
            old = json.load(f)
        shape_cases = [c for c in old["shape"] if c["op"] not in only] + shape_cases
        type_cases = [c for c in old["type"] if c["op"] not in only] + type_cases
    with open(path + ".tmp", "w") as f:
        f.write('{"mxnet": "%s",\n' % mx.__version__)
        for key, cases in (("shape", shape_cases), ("type", type_cases)):
            f.write(f'"{key}": [\n')
            f.write(",\n".join(json.dumps(c, sort_keys=True) for c in cases))
            f.write("\n]" + (",\n" if key == "shape" else "\n"))
        f.write("}\n")
    os.replace(path + ".tmp", path)
    errors = sum("error" in c for c in shape_cases)
    print(f"{len(shape_cases)} shape cases ({errors} errors), {len(type_cases)} type cases "
          f"over {len({c['op'] for c in shape_cases})} operators -> {path}")


if __name__ == "__main__":
    main()
