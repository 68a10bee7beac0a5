#!/usr/bin/env python3
"""Writes the MXNet-made inputs of the import tests (run with /opt/mxnet-venv/bin/python).

The error inputs (bad-*.json) are written by hand: MXNet does not write broken files.
"""
import os

import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))


def save(sym, name):
    sym.save(os.path.join(HERE, name))


def hidden_attrs():
    with mx.AttrScope(ctx_group="dev1", lr_mult="0.1"):
        data = mx.sym.var("data", shape=(4, 8), dtype="float16")
        w = mx.sym.var("w", init=mx.init.Xavier(), wd_mult=0.5, shape=(0, 8))
        net = mx.sym.FullyConnected(data, weight=w, num_hidden=16, no_bias=True, name="fc")
    net = mx.sym.Activation(net, act_type="relu", name="relu")
    save(net, "hidden-attrs.json")


def multi_output():
    data = mx.sym.var("data")
    parts = mx.sym.SliceChannel(data, num_outputs=3, axis=1, name="split")
    bn = mx.sym.BatchNorm(parts[2], output_mean_var=True, name="bn")
    save(mx.sym.Group([parts[0], bn[0], bn[2], data]), "multi-output.json")


def shared_aux():
    # Two BatchNorms share moving statistics: later readers see version 2.
    data = mx.sym.var("data")
    mean, var = mx.sym.var("mean"), mx.sym.var("var")
    a = mx.sym.BatchNorm(data, moving_mean=mean, moving_var=var, name="bn_a")
    b = mx.sym.BatchNorm(a, moving_mean=mean, moving_var=var, name="bn_b")
    save(b, "shared-aux.json")


def np_shape():
    # Saved under numpy shape semantics: 0 is an extent, -1 unknown.
    mx.npx.set_np()
    x = mx.sym.var("x", shape=(0, 3))
    y = mx.sym.var("y", shape=(-1, 3))
    save(mx.sym.elemwise_add(x, y, name="add"), "np-shape.json")
    mx.npx.reset_np()


def explicit_none():
    # Optional attributes given as None explicitly are written back.
    data = mx.sym.var("data")
    save(mx.sym.Pooling(data, kernel=(2, 2), pool_type="avg", p_value=None,
                        count_include_pad=None, name="p"), "explicit-none.json")


if __name__ == "__main__":
    hidden_attrs()
    multi_output()
    shared_aux()
    np_shape()
    explicit_none()
