#!/usr/bin/env python3
"""seed_walkthrough.py - the MXNet overview (shared/spec/mxnet-python-overview.txt)
as one script: NDArray, Symbol, KVStore, in Python 3, with `import mxc as mx`.

Run: python examples/seed_walkthrough.py (after scripts/build.sh). Lines the
overview runs on GPUs run where GPUs exist and are skipped, saying so,
elsewhere. The KVStore part runs when mx.kv is there (it lands with the
KVStore branch). Files go to a temporary directory.
"""
import os
import pickle as pkl
import tempfile

import numpy as np

import mxc as mx

os.chdir(tempfile.mkdtemp(prefix="mxc-walkthrough-"))
GPUS = mx.context.num_gpus()


def show(title):
    print("\n== " + title)


# ---- NDArray ------------------------------------------------------------------
show("NDArray: create and initialize")
a = mx.nd.empty((2, 3))  # create a 2-by-3 matrix on cpu
if GPUS:
    b = mx.nd.empty((2, 3), mx.gpu())  # create a 2-by-3 matrix on gpu 0
    print(b.shape, b.context)
else:
    print("(no GPU: the gpu() lines are skipped)")
print(a.shape, a.context)
a = mx.nd.zeros((2, 3))  # create a 2-by-3 matrix filled with 0
b = mx.nd.ones((2, 3))  # create a 2-by-3 matrix filled with 1
b[:] = 2  # set all elements of b to 2
a = mx.nd.ones((2, 3))
b = mx.nd.zeros((2, 3), mx.gpu() if GPUS else mx.cpu())
a.copyto(b)  # copy data from cpu to gpu
a = mx.nd.ones((2, 3))
b = a.asnumpy()
print(type(b))
print(b)
a = mx.nd.empty((2, 3))
a[:] = np.random.uniform(-0.1, 0.1, a.shape)
print(a.asnumpy())

show("NDArray: element-wise operations")
a = mx.nd.ones((2, 3)) * 2
b = mx.nd.ones((2, 3)) * 4
print(b.asnumpy())
c = a + b
print(c.asnumpy())
d = a * b
print(d.asnumpy())
if GPUS:
    a = mx.nd.ones((2, 3)) * 2
    b = mx.nd.ones((2, 3), mx.gpu()) * 3
    c = a.copyto(mx.gpu()) * b
    print(c.asnumpy())

show("NDArray: load and save")
a = mx.nd.ones((2, 3)) * 2
data = pkl.dumps(a)
b = pkl.loads(data)
print(b.asnumpy())
a = mx.nd.ones((2, 3)) * 2
b = mx.nd.ones((2, 3)) * 3
mx.nd.save('mydata.bin', [a, b])
c = mx.nd.load('mydata.bin')
print(c[0].asnumpy())
print(c[1].asnumpy())
mx.nd.save('mydata.bin', {'a': a, 'b': b})
c = mx.nd.load('mydata.bin')
print(c['a'].asnumpy())
print(c['b'].asnumpy())

show("NDArray: automatic parallelization")
a = mx.nd.ones((2, 3))
b = a
c = a.copyto(mx.cpu())
a += 1
b *= 3
c *= 3
print(a.asnumpy(), c.asnumpy())

# ---- Symbol -------------------------------------------------------------------
show("Symbol: basic composition")
net = mx.symbol.Variable('data')
net = mx.symbol.FullyConnected(data=net, name='fc1', num_hidden=128)
net = mx.symbol.Activation(data=net, name='relu1', act_type="relu")
net = mx.symbol.FullyConnected(data=net, name='fc2', num_hidden=64)
net = mx.symbol.SoftmaxOutput(data=net, name='out')
print(type(net))
print(net.list_arguments())
net = mx.symbol.Variable('data')
w = mx.symbol.Variable('myweight')
net = mx.symbol.FullyConnected(data=net, weight=w, name='fc1', num_hidden=128)
print(net.list_arguments())

show("Symbol: more complicated composition")
lhs = mx.symbol.Variable('data1')
rhs = mx.symbol.Variable('data2')
net = mx.symbol.FullyConnected(data=lhs + rhs, name='fc1', num_hidden=128)
print(net.list_arguments())
net = mx.symbol.Variable('data')
net = mx.symbol.FullyConnected(data=net, name='fc1', num_hidden=128)
net2 = mx.symbol.Variable('data2')
net2 = mx.symbol.FullyConnected(data=net2, name='net2', num_hidden=128)
composed_net = net(data=net2, name='compose')
print(composed_net.list_arguments())

show("Symbol: argument shape inference")
net = mx.symbol.Variable('data')
net = mx.symbol.FullyConnected(data=net, name='fc1', num_hidden=10)
arg_shape, out_shape, aux_shape = net.infer_shape(data=(100, 100))
print(dict(zip(net.list_arguments(), arg_shape)))
print(out_shape)

show("Symbol: bind and run")
# define computation graphs
A = mx.symbol.Variable('A')
B = mx.symbol.Variable('B')
C = A * B
a = mx.nd.ones(3) * 4
b = mx.nd.ones(3) * 2
# bind the symbol with real arguments
c_exec = C.bind(ctx=mx.cpu(), args={'A': a, 'B': b})
# do forward pass calclation.
c_exec.forward()
print(c_exec.outputs[0].asnumpy())
# simple_bind: the MLP above, with a batch of 100 inputs of 100 features
net = mx.symbol.FullyConnected(data=mx.symbol.Variable('data'), name='fc1', num_hidden=10)
net = mx.symbol.SoftmaxOutput(data=net, name='out')
input_shape = (100, 100)
texec = net.simple_bind(mx.cpu(), data=input_shape)
texec.forward()
texec.backward()
print(texec.grad_dict['fc1_weight'].shape)

# ---- KVStore ------------------------------------------------------------------
show("KVStore")
if not hasattr(mx, "kv"):
    print("(mx.kv is not in this build yet: the KVStore part is skipped)")
else:
    kv = mx.kv.create('local')  # create a local kv store.
    shape = (2, 3)
    kv.init(3, mx.nd.ones(shape) * 2)
    a = mx.nd.zeros(shape)
    kv.pull(3, out=a)
    print(a.asnumpy())
    kv.push(3, mx.nd.ones(shape) * 8)
    kv.pull(3, out=a)  # pull out the value
    print(a.asnumpy())
    # The overview pushes from 4 GPUs; without them, 4 arrays on the CPU sum alike.
    devices = [mx.gpu(i) for i in range(4)] if GPUS >= 4 else [mx.cpu()] * 4
    b = [mx.nd.ones(shape, dev) for dev in devices]
    kv.push(3, b)
    kv.pull(3, out=a)
    print(a.asnumpy())

    def update(key, input, stored):  # pylint: disable=redefined-builtin
        print("update on key: %d" % key)
        stored += input * 2
    kv._set_updater(update)  # pylint: disable=protected-access
    kv.pull(3, out=a)
    print(a.asnumpy())
    kv.push(3, mx.nd.ones(shape))
    kv.pull(3, out=a)
    print(a.asnumpy())
    b = [mx.nd.ones(shape, dev) for dev in devices]
    kv.pull(3, out=b)
    print(b[1].asnumpy())
    keys = [5, 7, 9]
    kv.init(keys, [mx.nd.ones(shape)] * len(keys))
    kv.push(keys, [mx.nd.ones(shape)] * len(keys))
    b = [mx.nd.zeros(shape)] * len(keys)
    kv.pull(keys, out=b)
    print(b[1].asnumpy())
    b = [[mx.nd.ones(shape, dev) for dev in devices]] * len(keys)
    kv.push(keys, b)
    kv.pull(keys, out=b)
    print(b[1][1].asnumpy())
print("\nwalk-through done")
