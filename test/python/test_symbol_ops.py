"""test_symbol_ops.py - every operator of the op table as mx.sym.<op>, against
MXNet 1.9.1: for each operator with a valid case in test/data/infer/cases.json
(attributes and input shapes MXNet accepted), the same call builds the same
graph in both (symbol JSON byte for byte, arguments, outputs, auxiliary
states, automatic names), and mxc's infer_shape_partial -- import and the
compiler's passes -- gives what MXNet inferred for it.
"""
import json
import os

import numpy as np
import pytest

import mxc as mx
from mxc import _registry
from script_runner import run_script

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "data", "infer", "cases.json")) as _f:
    _SHAPE_CASES = json.load(_f)["shape"]


def _function_path(op_name):
    sub, func = _registry.placement(op_name)
    return "mx.sym.%s.%s" % (sub, func)


def _first_valid_cases():
    """One case per operator: all input shapes known and kept by MXNet."""
    chosen = {}
    for case in _SHAPE_CASES:
        if case["op"] in chosen or "error" in case or "out" in case:
            continue
        if any(s is None or -1 in s for s in case["in"]) or case["expect_in"] != case["in"]:
            continue
        if "bfloat16" in case["attrs"].values():
            continue  # no NumPy dtype: MXNet's Python API cannot say it either
        chosen[case["op"]] = case
    return chosen


def _input_names(op_name, attrs):
    """The node's input names for these attributes (None: positional, for
    variadic ops and those with a num_args, which MXNet calls as *data)."""
    info = _registry.ops()[op_name]
    if info.variadic_input is not None or info.num_args_attr:
        return None
    return list(mx.sym.graph.graph_info(info, attrs, "x")[0])


CASES = _first_valid_cases()
NAMES = sorted(CASES)


def _call(case):
    """The call building the case's node from variables xs (by input name,
    positionally for variadic ops)."""
    names = _input_names(case["op"], case["attrs"])
    inputs = "*xs" if names is None else ", ".join(
        "%s=xs[%d]" % (n, i) for i, n in enumerate(names[:len(case["in"])]))
    return "%s(%s**%r)" % (_function_path(case["op"]), inputs + ", " if inputs else "",
                            case["attrs"])


# MXNet's symbol API refuses the optimizer updates ("Not enough argument to
# call operator sgd_update", whatever is given); mxc composes them.
MXNET_REFUSES = "_update"


def _script(case):
    n = len(case["in"])
    code = ("xs = [mx.sym.Variable('x%%d' %% i) for i in range(%d)]\n"
            "with mx.name.NameManager():\n"
            "    s = %s\n" % (n, _call(case)))
    return {"code": code, "exprs": ["s.tojson()", "s.list_arguments()", "s.list_outputs()",
                                    "s.list_auxiliary_states()", "s.name"]}


@pytest.fixture(scope="module")
def reference(mxnet):
    results = mxnet.run("script", {"cases": [_script(CASES[n]) for n in NAMES]})["results"]
    return dict(zip(NAMES, results))


def test_every_public_operator_has_a_function():
    missing = []
    for name, info in _registry.all_names():
        if info.internal:
            continue
        sub, func = _registry.placement(name)
        module = getattr(mx.sym, sub, None)
        if func.isidentifier() and not callable(getattr(module, func, None)):
            missing.append(name)
    assert not missing
    assert len(NAMES) > 200, "cases.json covers %d operators" % len(NAMES)


@pytest.mark.parametrize("op", NAMES)
def test_operator_graph_as_mxnet(op, reference):
    theirs = reference[op]
    ours = run_script(_script(CASES[op]), {"mx": mx, "np": np})
    if "error" in ours and ours["error"] == theirs.get("error"):
        return  # both refuse the call alike (bfloat16 is no NumPy dtype)
    assert "error" not in ours, ours
    if MXNET_REFUSES in op:
        assert "Not enough argument" in theirs.get("message", ""), theirs
        return
    assert "error" not in theirs, theirs
    for expr, a, b in zip(_script(CASES[op])["exprs"], ours["values"], theirs["values"]):
        assert a == b, "%s\nmxc:   %s\nMXNet: %s" % (expr, a, b)


def _legacy(shape):
    return () if shape is None else tuple(0 if d < 0 else d for d in shape)


@pytest.mark.parametrize("op", NAMES)
def test_operator_shapes_as_mxnet(op):
    case = CASES[op]
    xs = [mx.sym.Variable('x%d' % i) for i in range(len(case["in"]))]
    sym = eval(_call(case))  # noqa: S307
    given = dict(zip(["x%d" % i for i in range(len(xs))], (tuple(s) for s in case["in"])))
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape_partial(**given)
    inputs = dict(zip(sym.list_arguments(), arg_shapes))
    inputs.update(zip(sym.list_auxiliary_states(), aux_shapes))
    expect_in = [_legacy(s) for s in case["expect_in"]]
    assert [inputs.get("x%d" % i) for i in range(len(xs))] == expect_in[:len(xs)]
    assert out_shapes[:len(case["expect_out"])] == [_legacy(s) for s in case["expect_out"]]
