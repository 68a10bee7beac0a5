"""test_symbol_seed.py - every Symbol example of the MXNet overview
(shared/spec/mxnet-python-overview.txt, "Symbolic and Automatic
Differentiation"), as written there, in Python 3, after `import mxc as mx`.
The outputs the overview shows are checked. The binding examples are in
test_executor_seed.py.
"""
import mxc as mx


def test_basic_composition():
    net = mx.symbol.Variable('data')
    net = mx.symbol.FullyConnected(data=net, name='fc1', num_hidden=128)
    net = mx.symbol.Activation(data=net, name='relu1', act_type="relu")
    net = mx.symbol.FullyConnected(data=net, name='fc2', num_hidden=64)
    net = mx.symbol.SoftmaxOutput(data=net, name='out')
    assert type(net) is mx.symbol.Symbol  # <class 'mxnet.symbol.Symbol'>
    assert net.list_arguments() == ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight',
                                    'fc2_bias', 'out_label']


def test_explicit_argument_names():
    net = mx.symbol.Variable('data')
    w = mx.symbol.Variable('myweight')
    net = mx.symbol.FullyConnected(data=net, weight=w, name='fc1', num_hidden=128)
    assert net.list_arguments() == ['data', 'myweight', 'fc1_bias']


def test_more_complicated_composition():
    lhs = mx.symbol.Variable('data1')
    rhs = mx.symbol.Variable('data2')
    net = mx.symbol.FullyConnected(data=lhs + rhs, name='fc1', num_hidden=128)
    assert net.list_arguments() == ['data1', 'data2', 'fc1_weight', 'fc1_bias']


def test_composing_a_graph():
    net = mx.symbol.Variable('data')
    net = mx.symbol.FullyConnected(data=net, name='fc1', num_hidden=128)
    net2 = mx.symbol.Variable('data2')
    net2 = mx.symbol.FullyConnected(data=net2, name='net2', num_hidden=128)
    composed_net = net(data=net2, name='compose')
    assert composed_net.list_arguments() == ['data2', 'net2_weight', 'net2_bias',
                                             'compose_fc1_weight', 'compose_fc1_bias']
    # The original graph is left as it was.
    assert net.list_arguments() == ['data', 'fc1_weight', 'fc1_bias']


def test_argument_shape_inference():
    net = mx.symbol.Variable('data')
    net = mx.symbol.FullyConnected(data=net, name='fc1', num_hidden=10)
    arg_shape, out_shape, aux_shape = net.infer_shape(data=(100, 100))
    assert dict(zip(net.list_arguments(), arg_shape)) == {
        'data': (100, 100), 'fc1_weight': (10, 100), 'fc1_bias': (10,)}
    assert out_shape == [(100, 10)]
    assert aux_shape == []
