#!/usr/bin/env python3
"""fashion_mnist_mlp.py - a multilayer perceptron (784-256-128-10, ReLU)
trained on Fashion-MNIST with mx.mod.Module and SGD with momentum (the
rate drops 10x at 60% and 80% of the epochs): 10 epochs reach >= 88% test
accuracy. Writes fashion_mnist_mlp.png (accuracy
and loss per epoch) and a checkpoint, then checks that the checkpoint,
reloaded into a fresh Module and compiled by `mxc compile` for the deploy
program, predicts the same classes.

    python examples/fashion_mnist_mlp.py [--epochs 10] [--contexts 2] [--out-dir DIR]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxc as mx  # noqa: E402
from fashion_mnist import normalized, run  # noqa: E402


def mlp():
    """784-256-128-10 with ReLU, softmax output (MXNet's names: fc1..fc3)."""
    data = normalized(mx.sym.Variable('data'))
    x = mx.sym.FullyConnected(data, num_hidden=256, name='fc1')
    x = mx.sym.Activation(x, act_type='relu', name='relu1')
    x = mx.sym.FullyConnected(x, num_hidden=128, name='fc2')
    x = mx.sym.Activation(x, act_type='relu', name='relu2')
    x = mx.sym.FullyConnected(x, num_hidden=10, name='fc3')
    return mx.sym.SoftmaxOutput(x, name='softmax')


if __name__ == "__main__":
    run("fashion_mnist_mlp", mlp(), flat=True, default_epochs=10, default_lr=0.05, goal=0.88,
        description=__doc__.split("\n\n")[0])
