"""test_symbol.py - mx.sym against MXNet 1.9.1: the same code builds the same
graph. Each case below runs in both (MXNet through mxnet_helper.py's
`script` command, mxc here, through script_runner.py) and every expression
must give the same value: symbol JSON byte for byte, argument, output and
auxiliary-state lists, names, attributes, and the type of any error.

Then what MXNet cannot check: files MXNet wrote load and write back
identically, pickling, save/load, mxc's composition rule.
"""
import glob
import os
import pickle

import numpy as np
import pytest

import mxc as mx
from script_runner import run_script

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = sorted(glob.glob(os.path.join(HERE, "..", "data", "models", "*-symbol.json")))

LISTS = ["s.tojson()", "s.list_arguments()", "s.list_outputs()", "s.list_auxiliary_states()",
         "s.list_inputs()", "s.name", "len(s)"]

CASES = {
    "mlp": ("""
net = mx.symbol.Variable('data')
net = mx.symbol.FullyConnected(data=net, name='fc1', num_hidden=128)
net = mx.symbol.Activation(data=net, name='relu1', act_type="relu")
net = mx.symbol.FullyConnected(data=net, name='fc2', num_hidden=64)
s = mx.symbol.SoftmaxOutput(data=net, name='out')
""", LISTS),
    "automatic names": ("""
x = mx.sym.Variable('x')
with mx.name.NameManager():
    a = mx.sym.FullyConnected(x, num_hidden=3)
    b = mx.sym.FullyConnected(a, num_hidden=3, no_bias=True)
    c = mx.sym.Activation(b, act_type='tanh')
    d = mx.sym.relu(c)
    e = mx.sym.SoftmaxOutput(d)
    f = mx.sym.FullyConnected(name='fc3', num_hidden=10)
s = mx.sym.Group([e, f])
""", LISTS + ["[a.name, b.name, c.name, d.name, e.name, f.name]"]),
    "arithmetic": ("""
a = mx.sym.Variable('a')
b = mx.sym.Variable('b')
with mx.name.NameManager():
    outs = [a + b, a - b, a * b, a / b, a % b, a ** b, a + 2, 2 + a, a - 2, 2 - a, a * 2,
            2 * a, a / 2, 2 / a, a % 2, 2 % a, a ** 2, 2 ** a, -a, abs(a), a == b, a != b,
            a > b, a >= b, a < b, a <= b, a == 2, a != 2, a > 2, a >= 2, a < 2, a <= 2,
            a + np.float32(1.5), a * 0.1]
s = mx.sym.Group(outs)
""", LISTS + ["[o.name for o in outs]"]),
    "module functions": ("""
a = mx.sym.Variable('a')
b = mx.sym.Variable('b')
with mx.name.NameManager():
    outs = [mx.sym.pow(a, b), mx.sym.pow(a, 2), mx.sym.pow(2, a), mx.sym.maximum(a, b),
            mx.sym.maximum(a, 1), mx.sym.minimum(3, b), mx.sym.hypot(a, b),
            mx.sym.zeros((2, 3)), mx.sym.ones((4,), dtype='int32'), mx.sym.full((2,), 7)]
s = mx.sym.Group(outs)
""", LISTS + ["mx.sym.pow(2, 3)"]),
    "batchnorm": ("""
x = mx.sym.Variable('x')
mm = mx.sym.Variable('mm')
s = mx.sym.Group([mx.sym.BatchNorm(name='bn'), mx.sym.BatchNorm(x, moving_mean=mm, name='bn2'),
                  mx.sym.BatchNorm(x, output_mean_var=True, fix_gamma=False, eps=1e-5,
                                   name='bn3')])
i = s.get_internals()
""", LISTS + ["i.list_outputs()", "s[2].list_outputs()", "s.attr_dict()", "mm.tojson()"]),
    "shared moving mean": ("""
x = mx.sym.Variable('x')
mm = mx.sym.Variable('mm')
b1 = mx.sym.BatchNorm(x, moving_mean=mm, name='b1')
b2 = mx.sym.BatchNorm(b1, moving_mean=mm, name='b2')
s = b2 + mm
""", LISTS),
    "variadic": ("""
xs = [mx.sym.Variable('x%d' % i) for i in range(12)]
with mx.name.NameManager():
    c = mx.sym.Concat(*xs, dim=1)
    n = mx.sym.add_n(xs[0], xs[1], name='n')
    st = mx.sym.stack(xs[2], xs[3], axis=0)
s = mx.sym.Group([c, n, st])
""", LISTS),
    "attributes": ("""
x = mx.sym.Variable('x', shape=(2, 3), lr_mult=2.0, wd_mult=0.5, dtype='float16',
                    init='["xavier", {"magnitude": 3}]', attr={'mood': 'a'}, stype='csr',
                    __foo__='bar')
with mx.AttrScope(ctx_group='dev1', lr_mult='3'):
    y = mx.sym.Variable('y')
    with mx.AttrScope(ctx_group='dev2', __tag__='t'):
        f = mx.sym.FullyConnected(y, num_hidden=3, name='f', attr={'__tag__': 'mine'})
g = mx.sym.Convolution(x, kernel=(3, 3), num_filter=4, stride=(2, 2), pad=(1, 1), no_bias=True,
                       name='g', lr_mult=1.5)
s = mx.sym.Group([f, g])
""", LISTS + ["x.list_attr()", "x.attr('lr_mult')", "x.attr('__shape__')", "x.attr('nope')",
              "f.list_attr()", "s.attr_dict()", "s.attr('ctx_group')", "f.attr('ctx_group')"]),
    "attribute values": ("""
x = mx.sym.Variable('x')
with mx.name.NameManager():
    outs = [mx.sym.cast(x, dtype='float16'), mx.sym.cast(x, dtype=np.int32),
            mx.sym.Pooling(x, kernel=(2, 2), pool_type='max'),
            mx.sym.Pooling(x, kernel=(2, 2), pool_type='avg', global_pool=True),
            mx.sym.Reshape(x, shape=(0, -1)), mx.sym.sum(x, axis=(1, 2), keepdims=True),
            mx.sym.LeakyReLU(x, act_type='leaky', slope=0.25),
            mx.sym.Dropout(x, p=0.5), mx.sym.clip(x, a_min=-1, a_max=1.5),
            mx.sym.transpose(x, axes=[1, 0]), mx.sym.Embedding(x, input_dim=10, output_dim=4)]
s = mx.sym.Group(outs)
""", LISTS),
    "multiple outputs": ("""
x = mx.sym.Variable('x')
sp = mx.sym.split(x, num_outputs=3, name='sp')
s = mx.sym.Group([sp[1], sp['sp_output2'], sp[0] + sp[2]])
i = s.get_internals()
""", LISTS + ["sp.list_outputs()", "sp.name", "len(sp)", "i.list_outputs()",
              "[c.name for c in s.get_children()]", "sp[1:].list_outputs()",
              "x.get_children()", "s[2].get_children().list_outputs()"]),
    "fluent": ("""
x = mx.sym.Variable('x')
with mx.name.NameManager():
    s = x.reshape((2, -1)).sum(axis=1).exp().expand_dims(axis=0).flatten().transpose()
""", LISTS),
    "random samplers": ("""
x = mx.sym.var('x')
with mx.name.NameManager():
    s = mx.sym.Group([mx.sym.random.uniform(0, 2, shape=(2, 3)),
                      mx.sym.random.normal(x, x, shape=(2,)),
                      mx.sym.random.exponential(2.0, shape=(3,)),
                      mx.sym.random.exponential(x), mx.sym.random.randn(2, 3),
                      mx.sym.random.poisson(x), mx.sym.random.gamma(1.5, 2, dtype='float64'),
                      mx.sym.random.multinomial(x, shape=2), mx.sym.random.shuffle(x),
                      mx.sym.random.uniform_like(x)])
""", LISTS),
    "prefix": ("""
data = mx.symbol.Variable('data')
with mx.name.Prefix('mynet_'):
    net = mx.symbol.FullyConnected(data, num_hidden=10, name='fc1')
    s = mx.sym.relu(net)
""", LISTS),
    "compose": ("""
data = mx.sym.Variable('data')
net1 = mx.sym.FullyConnected(data=data, name='fc1', num_hidden=10)
net2 = mx.sym.FullyConnected(name='fc3', num_hidden=10)
net2 = mx.sym.Activation(data=net2, act_type='relu', name='act')
net2 = mx.sym.FullyConnected(data=net2, name='fc4', num_hidden=20)
s = net2(fc3_data=net1)
""", LISTS + ["net2.list_arguments()"]),
}

ERRORS = {
    "unknown attribute": "mx.sym.FullyConnected(mx.sym.var('a'), num_hidden=2, foo=1)",
    "missing attribute": "mx.sym.FullyConnected(mx.sym.var('a'))",
    "bad attribute": "mx.sym.FullyConnected(mx.sym.var('a'), num_hidden='x')",
    "deprecated": "mx.sym.FullyConnected(mx.sym.var('a'), num_hidden=2, weight_lr_mult=2)",
    "variable kwarg": "mx.sym.Variable('y', foo=1)",
    "variable name": "mx.sym.Variable(3)",
    "positional compose": "mx.sym.relu(mx.sym.var('x'))(mx.sym.var('y'))",
    "unknown compose": "mx.sym.relu(mx.sym.var('x'))(y=mx.sym.var('y'))",
    "unknown input": "mx.sym.relu(mx.sym.var('x'), foo=mx.sym.var('y'))",
    "tuple input": "mx.sym.relu(mx.sym.split(mx.sym.var('x'), num_outputs=2))",
    "not a symbol": "mx.sym.relu(data=3)",
    "scalar type": "mx.sym.var('x') + 'a'",
    "group": "mx.sym.Group([])",
    "index": "mx.sym.var('x')[1]",
    "name index": "mx.sym.var('x')['y']",
    "attr scope": "mx.AttrScope(a=1)",
}


def _all_cases():
    cases = [{"code": code, "exprs": exprs} for code, exprs in CASES.values()]
    cases += [{"code": "r = " + expr, "exprs": []} for expr in ERRORS.values()]
    return cases


@pytest.fixture(scope="module")
def reference(mxnet):
    return mxnet.run("script", {"cases": _all_cases()})["results"]


def _compare(i, name, reference):
    ours = run_script(_all_cases()[i], {"mx": mx, "np": np})
    theirs = reference[i]
    if "error" in theirs or "error" in ours:
        assert ours.get("error") == theirs.get("error"), (name, ours, theirs)
        return
    for expr, a, b in zip(_all_cases()[i]["exprs"], ours["values"], theirs["values"]):
        assert a == b, "%s: %s\nmxc:   %s\nMXNet: %s" % (name, expr, a, b)


@pytest.mark.parametrize("name", list(CASES))
def test_same_graph_as_mxnet(name, reference):
    assert "error" not in reference[list(CASES).index(name)], reference[list(CASES).index(name)]
    _compare(list(CASES).index(name), name, reference)


@pytest.mark.parametrize("name", list(ERRORS))
def test_same_error_as_mxnet(name, reference):
    i = len(CASES) + list(ERRORS).index(name)
    ours = run_script(_all_cases()[i], {"mx": mx, "np": np})
    assert "error" in ours, "%s: no error from mxc" % name
    _compare(i, name, reference)


@pytest.mark.parametrize("path", MODELS, ids=os.path.basename)
def test_mxnet_files_round_trip(path):
    with open(path) as f:
        text = f.read()
    sym = mx.sym.load(path)
    assert sym.tojson() == text
    assert mx.sym.load_json(text).tojson() == text


def test_mxc_files_load_in_mxnet(mxnet, tmp_path):
    """What mxc saves, MXNet loads and writes back identically."""
    data = mx.sym.Variable('data')
    net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, name='conv')
    net = mx.sym.BatchNorm(net, name='bn')
    net = mx.sym.Pooling(net, kernel=(2, 2), pool_type='max', name='pool')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc')
    net = mx.sym.SoftmaxOutput(net, name='softmax')
    path = str(tmp_path / "net-symbol.json")
    net.save(path)
    res = mxnet.run("script", {"cases": [{
        "code": "s = mx.sym.load(%r)" % path,
        "exprs": ["s.tojson()", "s.list_arguments()", "s.list_auxiliary_states()"]}]})
    values = res["results"][0]["values"]
    assert values == [net.tojson(), net.list_arguments(), net.list_auxiliary_states()]


def test_pickle_and_copy():
    import copy
    net = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=4, name='fc')
    back = pickle.loads(pickle.dumps(net))
    assert isinstance(back, mx.sym.Symbol) and back.tojson() == net.tojson()
    deep = copy.deepcopy(net)
    deep._set_attr(tag='x')
    assert net.attr('tag') is None and deep.attr('tag') == 'x'


def test_save_load(tmp_path):
    net = mx.sym.Activation(mx.sym.Variable('x'), act_type='relu', name='act')
    path = str(tmp_path / "a.json")
    net.save(path)
    assert mx.sym.load(path).tojson() == net.tojson()
    with pytest.raises(mx.MXNetError, match="nope.json"):
        mx.sym.load(str(tmp_path / "nope.json"))
    with pytest.raises(mx.MXNetError, match="unknown operator NoSuchOp"):
        mx.sym.load_json(net.tojson().replace('"Activation"', '"NoSuchOp"'))


def test_legacy_file_upgrades():
    """MXNet 0.8's file: BatchNorm gets its moving statistics (with __init__),
    hidden attributes move to __key__, on the variable they name."""
    sym = mx.sym.load(os.path.join(HERE, "..", "data", "models", "legacy", "legacy-0.8.json"))
    aux = sym.list_auxiliary_states()
    assert aux and all(a.endswith(("_moving_mean", "_moving_var")) for a in aux)
    internals = sym.get_internals()
    for name in aux:
        assert internals[name].attr("__init__") in ('["zero", {}]', '["one", {}]')


def test_compose_under_a_name_prefixes_the_composed_graph():
    """mxc's rule (the overview's): the graph's own nodes and automatically
    named arguments get the prefix; substituted symbols keep their names."""
    data = mx.sym.Variable('data')
    net1 = mx.sym.FullyConnected(data=data, name='fc1', num_hidden=10)
    w = mx.sym.Variable('shared_w')
    net2 = mx.sym.FullyConnected(name='fc3', num_hidden=10, weight=w)
    net2 = mx.sym.FullyConnected(data=net2, name='fc4', num_hidden=20)
    composed = net2(fc3_data=net1, name='composed')
    assert composed.list_arguments() == ['data', 'fc1_weight', 'fc1_bias', 'shared_w',
                                         'composed_fc3_bias', 'composed_fc4_weight',
                                         'composed_fc4_bias']
    assert composed.list_outputs() == ['composed_fc4_output']
    assert net2.list_arguments() == ['fc3_data', 'shared_w', 'fc3_bias', 'fc4_weight',
                                     'fc4_bias']
