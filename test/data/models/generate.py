#!/usr/bin/env python3
"""Writes the reference models for the compiler's parity tests with real MXNet 1.9.1.

For each model: <name>-symbol.json (Symbol.save) and <name>-infer.json holding what
MXNet's infer_shape and infer_type report for every argument, output and auxiliary
state for the given input shapes and dtypes. The compiler tests import the symbol,
run mx-infer-shape/mx-infer-type with the same inputs and compare.

Run with the MXNet venv: /opt/mxnet-venv/bin/python test/data/models/generate.py
(each model is built in a fresh process so automatic names start from 0).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 2  # not 1, so a batch dim cannot be confused with a broadcast dim


def mlp(mx):
    data = mx.sym.var("data")
    net = mx.sym.FullyConnected(data, num_hidden=128, name="fc1")
    net = mx.sym.Activation(net, act_type="relu", name="relu1")
    net = mx.sym.FullyConnected(net, num_hidden=64, name="fc2")
    net = mx.sym.Activation(net, act_type="relu", name="relu2")
    net = mx.sym.FullyConnected(net, num_hidden=10, name="fc3")
    return mx.sym.SoftmaxOutput(net, name="softmax"), {"data": (BATCH, 784)}


def lenet(mx):
    data = mx.sym.var("data")
    net = mx.sym.Convolution(data, kernel=(5, 5), num_filter=20, name="conv1")
    net = mx.sym.Activation(net, act_type="tanh", name="tanh1")
    net = mx.sym.Pooling(net, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool1")
    net = mx.sym.Convolution(net, kernel=(5, 5), num_filter=50, name="conv2")
    net = mx.sym.Activation(net, act_type="tanh", name="tanh2")
    net = mx.sym.Pooling(net, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool2")
    net = mx.sym.Flatten(net, name="flatten")
    net = mx.sym.FullyConnected(net, num_hidden=500, name="fc1")
    net = mx.sym.Activation(net, act_type="tanh", name="tanh3")
    net = mx.sym.FullyConnected(net, num_hidden=10, name="fc2")
    return mx.sym.SoftmaxOutput(net, name="softmax"), {"data": (BATCH, 1, 28, 28)}


def gluon_model(name):
    def build(mx):
        from mxnet.gluon.model_zoo import vision
        net = vision.get_model(name)
        return net(mx.sym.var("data")), {"data": (BATCH, 3, 224, 224)}
    return build


def inception_bn(mx):
    """Inception with batch normalization (Ioffe & Szegedy, 2015), as MXNet's
    image-classification examples build it with mx.sym."""
    def conv(data, filters, kernel, stride=(1, 1), pad=(0, 0), name="", suffix=""):
        c = mx.sym.Convolution(data, num_filter=filters, kernel=kernel, stride=stride, pad=pad,
                               name="conv_%s%s" % (name, suffix))
        b = mx.sym.BatchNorm(c, fix_gamma=False, eps=2e-5, name="bn_%s%s" % (name, suffix))
        return mx.sym.Activation(b, act_type="relu", name="relu_%s%s" % (name, suffix))

    def block_a(data, n1, n3r, n3, nd3r, nd3, pool, proj, name):
        c1 = conv(data, n1, (1, 1), name=name + "_1x1")
        c3 = conv(data, n3r, (1, 1), name=name + "_3x3", suffix="_reduce")
        c3 = conv(c3, n3, (3, 3), pad=(1, 1), name=name + "_3x3")
        cd = conv(data, nd3r, (1, 1), name=name + "_double_3x3", suffix="_reduce")
        cd = conv(cd, nd3, (3, 3), pad=(1, 1), name=name + "_double_3x3_0")
        cd = conv(cd, nd3, (3, 3), pad=(1, 1), name=name + "_double_3x3_1")
        p = mx.sym.Pooling(data, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type=pool,
                           name="%s_pool_%s_pool" % (pool, name))
        p = conv(p, proj, (1, 1), name=name + "_proj")
        return mx.sym.Concat(c1, c3, cd, p, name="ch_concat_%s_chconcat" % name)

    def block_b(data, n3r, n3, nd3r, nd3, name):
        c3 = conv(data, n3r, (1, 1), name=name + "_3x3", suffix="_reduce")
        c3 = conv(c3, n3, (3, 3), pad=(1, 1), stride=(2, 2), name=name + "_3x3")
        cd = conv(data, nd3r, (1, 1), name=name + "_double_3x3", suffix="_reduce")
        cd = conv(cd, nd3, (3, 3), pad=(1, 1), name=name + "_double_3x3_0")
        cd = conv(cd, nd3, (3, 3), pad=(1, 1), stride=(2, 2), name=name + "_double_3x3_1")
        p = mx.sym.Pooling(data, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max",
                           name="max_pool_%s_pool" % name)
        return mx.sym.Concat(c3, cd, p, name="ch_concat_%s_chconcat" % name)

    data = mx.sym.var("data")
    net = conv(data, 64, (7, 7), stride=(2, 2), pad=(3, 3), name="1")
    net = mx.sym.Pooling(net, kernel=(3, 3), stride=(2, 2), pool_type="max", name="pool_1")
    net = conv(net, 64, (1, 1), name="2_red")
    net = conv(net, 192, (3, 3), pad=(1, 1), name="2")
    net = mx.sym.Pooling(net, kernel=(3, 3), stride=(2, 2), pool_type="max", name="pool_2")
    net = block_a(net, 64, 64, 64, 64, 96, "avg", 32, "3a")
    net = block_a(net, 64, 64, 96, 64, 96, "avg", 64, "3b")
    net = block_b(net, 128, 160, 64, 96, "3c")
    net = block_a(net, 224, 64, 96, 96, 128, "avg", 128, "4a")
    net = block_a(net, 192, 96, 128, 96, 128, "avg", 128, "4b")
    net = block_a(net, 160, 128, 160, 128, 160, "avg", 128, "4c")
    net = block_a(net, 96, 128, 192, 160, 192, "avg", 128, "4d")
    net = block_b(net, 128, 192, 192, 256, "4e")
    net = block_a(net, 352, 192, 320, 160, 224, "avg", 128, "5a")
    net = block_a(net, 352, 192, 320, 192, 224, "max", 128, "5b")
    net = mx.sym.Pooling(net, kernel=(7, 7), stride=(1, 1), pool_type="avg", global_pool=True,
                         name="global_pool")
    net = mx.sym.Flatten(net, name="flatten")
    net = mx.sym.FullyConnected(net, num_hidden=1000, name="fc1")
    return mx.sym.SoftmaxOutput(net, name="softmax"), {"data": (BATCH, 3, 224, 224)}


def lstm(mx):
    """A word-level LSTM language model unrolled over 10 steps (mx.rnn)."""
    steps, vocab, embed, hidden = 10, 1000, 64, 128
    data = mx.sym.var("data")
    label = mx.sym.var("softmax_label")
    net = mx.sym.Embedding(data, input_dim=vocab, output_dim=embed, name="embed")
    cell = mx.rnn.LSTMCell(num_hidden=hidden, prefix="lstm_")
    outputs, _ = cell.unroll(steps, inputs=net, merge_outputs=True, layout="NTC")
    net = mx.sym.Reshape(outputs, shape=(-1, hidden), name="reshape")
    net = mx.sym.FullyConnected(net, num_hidden=vocab, name="pred")
    label = mx.sym.Reshape(label, shape=(-1,), name="label_reshape")
    # The label goes through Reshape, which cannot be inferred backwards.
    shapes = {"data": (BATCH, steps), "softmax_label": (BATCH, steps)}
    return mx.sym.SoftmaxOutput(net, label, name="softmax"), shapes


MODELS = {
    "mlp": mlp,
    "lenet": lenet,
    "resnet18_v1": gluon_model("resnet18_v1"),
    "resnet50_v1": gluon_model("resnet50_v1"),
    "resnet18_v2": gluon_model("resnet18_v2"),
    "resnet50_v2": gluon_model("resnet50_v2"),
    "vgg16": gluon_model("vgg16"),
    "inception_bn": inception_bn,
    "lstm": lstm,
}


def write_model(name):
    import mxnet as mx
    import numpy
    sym, shapes = MODELS[name](mx)
    dtypes = {"data": "float32"}
    sym.save(os.path.join(HERE, name + "-symbol.json"))
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
    arg_types, out_types, aux_types = sym.infer_type(**dtypes)

    def entries(names, shapes, types):
        return [{"name": n, "shape": list(s), "dtype": numpy.dtype(t).name}
                for n, s, t in zip(names, shapes, types)]

    reference = {
        "mxnet_version": mx.__version__,
        "shapes": {k: list(v) for k, v in shapes.items()},
        "dtypes": dtypes,
        "arguments": entries(sym.list_arguments(), arg_shapes, arg_types),
        "outputs": entries(sym.list_outputs(), out_shapes, out_types),
        "aux_states": entries(sym.list_auxiliary_states(), aux_shapes, aux_types),
    }
    with open(os.path.join(HERE, name + "-infer.json"), "w") as f:
        f.write(dump(reference))


def dump(reference):
    """JSON with one argument, output or aux state per line (diff-friendly)."""
    lines = []
    for key, value in reference.items():
        if isinstance(value, list):
            items = ",\n".join("  " + json.dumps(v) for v in value)
            lines.append('"%s": [\n%s\n ]' % (key, items))
        else:
            lines.append('"%s": %s' % (key, json.dumps(value)))
    return "{" + ",\n ".join(lines) + "}\n"


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--model":
        write_model(sys.argv[2])
        return
    for name in MODELS:
        subprocess.run([sys.executable, __file__, "--model", name], check=True)
        print("wrote", name)


if __name__ == "__main__":
    main()
