"""test_symbol_infer.py - Symbol.infer_shape / infer_shape_partial /
infer_type / infer_type_partial (computed by the compiler's passes through
mxc._compiler) with MXNet 1.9.1's results and rules (mxnet-formats.md 4):
the models of test/data/models against what MXNet inferred for them, the
call forms and their TypeError/ValueError, legacy 0-means-unknown, the
(None, None, None) result and its warning, and errors naming the node and
the conflicting shapes.
"""
import glob
import json
import os
import warnings

import numpy as np
import pytest

import mxc as mx

HERE = os.path.dirname(os.path.abspath(__file__))
INFER = sorted(glob.glob(os.path.join(HERE, "..", "data", "models", "*-infer.json")))


def fc_net():
    net = mx.symbol.Variable('data')
    return mx.symbol.FullyConnected(data=net, name='fc1', num_hidden=10)


@pytest.mark.parametrize("path", INFER, ids=os.path.basename)
def test_models_as_mxnet_infers_them(path):
    with open(path) as f:
        ref = json.load(f)
    sym = mx.sym.load(path.replace("-infer.json", "-symbol.json"))
    shapes = {k: tuple(v) for k, v in ref["shapes"].items()}
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
    assert sym.list_arguments() == [a["name"] for a in ref["arguments"]]
    assert arg_shapes == [tuple(a["shape"]) for a in ref["arguments"]]
    assert out_shapes == [tuple(a["shape"]) for a in ref["outputs"]]
    assert aux_shapes == [tuple(a["shape"]) for a in ref["aux_states"]]
    arg_types, out_types, aux_types = sym.infer_type(**ref["dtypes"])
    assert [np.dtype(t).name for t in arg_types] == [a["dtype"] for a in ref["arguments"]]
    assert [np.dtype(t).name for t in out_types] == [a["dtype"] for a in ref["outputs"]]
    assert [np.dtype(t).name for t in aux_types] == [a["dtype"] for a in ref["aux_states"]]


def test_positional_and_keyword_forms():
    net = fc_net()
    assert net.infer_shape((4, 5)) == net.infer_shape(data=(4, 5))
    assert net.infer_shape((4, 5), None, (10,))[0] == [(4, 5), (10, 5), (10,)]
    with pytest.raises(ValueError, match="either by positional or kwargs"):
        net.infer_shape((4, 5), fc1_bias=(10,))
    with pytest.raises(TypeError, match="'data' is <class 'list'>"):
        net.infer_shape(data=[4, 5])
    with pytest.raises(TypeError, match="argument 0 is <class 'list'>"):
        net.infer_shape([4, 5])


def test_unknown_name_is_mxnets_message(capsys):
    with pytest.raises(mx.MXNetError) as e:
        fc_net().infer_shape(datax=(100, 100))
    assert str(e.value) == ("InferShapeKeyword argument name datax not found.\n"
                            "Candidate arguments:\n\t[0]data\n\t[1]fc1_weight\n\t[2]fc1_bias\n")
    assert capsys.readouterr().out == "infer_shape error. Arguments:\n  datax: (100, 100)\n"


def test_inconsistent_shapes_name_node_and_shapes():
    with pytest.raises(mx.MXNetError) as e:
        fc_net().infer_shape(data=(100, 100), fc1_weight=(5, 100))
    msg = str(e.value)
    assert "Error in operator fc1: Shape inconsistent, Provided = [5,100], " \
           "inferred shape=(10,100)" in msg, msg


def test_undecided_shapes_warn_and_give_none():
    net = fc_net()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert net.infer_shape() == (None, None, None)
    assert str(w[0].message) == (
        "Cannot decide shape for the following arguments (0s in shape means unknown "
        "dimensions). Consider providing them as input:\n\tdata: ()\n\tfc1_weight: ()\n"
        "\tfc1_bias: ()")
    assert w[0].filename == __file__
    assert net.infer_shape_partial() == ([(), (), ()], [()], [])
    assert net.infer_shape_partial(data=(0, 100)) == ([(0, 100), (10, 100), (10,)], [(0, 10)], [])
    assert mx.sym.sin(mx.sym.var('q')).infer_shape_partial() == ([()], [()], [])


def test_legacy_zero_means_unknown():
    y = mx.sym.var('y', shape=(0, 10)) + mx.sym.var('z', shape=(12, 0))
    assert y.infer_shape() == ([(12, 10), (12, 10)], [(12, 10)], [])
    # Keyword shapes override __shape__.
    a = mx.sym.var('a', shape=(5, 10)) * mx.sym.var('b')
    assert a.infer_shape(a=(3, 10))[0] == [(3, 10), (3, 10)]


def test_batchnorm_aux_and_multi_output():
    data = mx.sym.var('data')
    bn = mx.sym.BatchNorm(data, name='bn', output_mean_var=True)
    args, outs, aux = bn.infer_shape(data=(2, 3, 4, 5))
    assert args == [(2, 3, 4, 5), (3,), (3,)] and aux == [(3,), (3,)]
    assert outs == [(2, 3, 4, 5), (3,), (3,)]
    sp = mx.sym.split(data, num_outputs=2, axis=1)
    assert sp.infer_shape(data=(2, 4))[1] == [(2, 2), (2, 2)]


def test_infer_type():
    net = fc_net()
    assert net.infer_type(data='float16') == ([np.float16] * 3, [np.float16], [])
    assert net.infer_type(np.float64)[0] == [np.float64] * 3
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert net.infer_type() == (None, None, None)
    assert "Cannot decide type for the following arguments. Consider providing them as " \
           "input:\n\tdata: None" in str(w[0].message)
    assert net.infer_type_partial() == ([None, None, None], [None], [])
    cast = mx.sym.cast(mx.sym.var('x'), dtype='int32')
    assert cast.infer_type(x=np.float32) == ([np.float32], [np.int32], [])
    typed = mx.sym.var('x', dtype='float16') * 2
    assert typed.infer_type() == ([np.float16], [np.float16], [])
    with pytest.raises(mx.MXNetError, match="float16"):
        (mx.sym.var('a') + mx.sym.var('b')).infer_type(a='float16', b='float32')
    with pytest.raises(TypeError):
        net.infer_type(data='complex64')


def test_inference_needs_no_compiler_at_import():
    """`import mxc` and building symbols load no MLIR; inference loads it."""
    import subprocess
    import sys
    code = ("import sys, mxc as mx; s = mx.sym.FullyConnected(mx.sym.var('d'), num_hidden=2); "
            "s.tojson(); print('mxc._compiler' in sys.modules); s.infer_shape(d=(1, 2)); "
            "print('mxc._compiler' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
