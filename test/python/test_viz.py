"""test_viz.py - mx.viz.print_summary prints what MXNet 1.9.1 prints and
mx.viz.plot_network draws what it draws (the Graphviz source), for the
same graphs; the drawing renders with `dot`."""
import contextlib
import io
import os
import shutil

import pytest

import mxc as mx

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "data", "models")

GRAPHS = {
    "mlp": ("mlp-symbol.json", {"data": (2, 784)}),
    "lenet": ("lenet-symbol.json", {"data": (2, 1, 28, 28)}),
    "resnet18": ("resnet18_v1-symbol.json", {"data": (1, 3, 224, 224)}),
}

CODE = """
import contextlib, io
s = mx.sym.load(%(path)r)
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    mx.viz.print_summary(s, shape=%(shape)r)
    mx.viz.print_summary(s)
dot = mx.viz.plot_network(s, shape=%(shape)r, dtype={'data': np.float32}, hide_weights=False)
plain = mx.viz.plot_network(s, title='net', node_attrs={'shape': 'oval'})
"""


def _case(name):
    path, shape = GRAPHS[name]
    return {"code": CODE % {"path": os.path.abspath(os.path.join(MODELS, path)), "shape": shape},
            "exprs": ["buf.getvalue()", "dot.source", "plain.source"]}


@pytest.fixture(scope="module")
def reference(mxnet):
    return mxnet.run("script", {"cases": [_case(n) for n in GRAPHS]})["results"]


@pytest.mark.parametrize("name", list(GRAPHS))
def test_same_as_mxnet(name, reference):
    from script_runner import run_script
    import numpy as np
    ours = run_script(_case(name), {"mx": mx, "np": np})
    theirs = reference[list(GRAPHS).index(name)]
    assert "error" not in theirs, theirs
    assert "error" not in ours, ours
    summary, dot, plain = ours["values"]
    assert summary == theirs["values"][0]
    # graphviz package versions differ in the final newline only.
    assert dot.rstrip("\n") == theirs["values"][1].rstrip("\n")
    assert plain.rstrip("\n") == theirs["values"][2].rstrip("\n")


def test_summary_counts_parameters():
    net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=10, name='fc')
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        mx.viz.print_summary(net, shape={'data': (2, 5)})
    assert "Total params: 60" in buf.getvalue()
    with pytest.raises(TypeError):
        mx.viz.print_summary("net")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_plot_renders(tmp_path):
    path, shape = GRAPHS["lenet"]
    dot = mx.viz.plot_network(mx.sym.load(os.path.join(MODELS, path)), shape=shape,
                              save_format="png")
    out = dot.render(str(tmp_path / "lenet"))
    with open(out, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
