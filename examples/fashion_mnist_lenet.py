#!/usr/bin/env python3
"""fashion_mnist_lenet.py - a LeNet-style convolutional network (two 5x5
convolutions with max pooling, then two fully connected layers) trained on
Fashion-MNIST with mx.mod.Module: >= 90% test accuracy in at most 10
epochs. Writes fashion_mnist_lenet.png and a checkpoint, then checks that
the reloaded and the compiled (`mxc compile` + deploy) models predict the
same classes.

    python examples/fashion_mnist_lenet.py [--epochs 10] [--contexts 2] [--out-dir DIR]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxc as mx  # noqa: E402
from fashion_mnist import normalized, run  # noqa: E402


def lenet(filters=(20, 50), hidden=500):
    """conv5x5(20)-relu-maxpool2 -> conv5x5(50)-relu-maxpool2 -> fc(500)-relu -> fc(10)."""
    data = normalized(mx.sym.Variable('data'))
    x = mx.sym.Convolution(data, kernel=(5, 5), num_filter=filters[0], name='conv1')
    x = mx.sym.Activation(x, act_type='relu', name='relu1')
    x = mx.sym.Pooling(x, pool_type='max', kernel=(2, 2), stride=(2, 2), name='pool1')
    x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=filters[1], name='conv2')
    x = mx.sym.Activation(x, act_type='relu', name='relu2')
    x = mx.sym.Pooling(x, pool_type='max', kernel=(2, 2), stride=(2, 2), name='pool2')
    x = mx.sym.Flatten(x, name='flatten')
    x = mx.sym.FullyConnected(x, num_hidden=hidden, name='fc1')
    x = mx.sym.Activation(x, act_type='relu', name='relu3')
    x = mx.sym.FullyConnected(x, num_hidden=10, name='fc2')
    return mx.sym.SoftmaxOutput(x, name='softmax')


if __name__ == "__main__":
    run("fashion_mnist_lenet", lenet(), flat=False, default_epochs=10, default_lr=0.05, goal=0.90,
        description=__doc__.split("\n\n")[0])
