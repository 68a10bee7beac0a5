#!/usr/bin/env python3
"""fashion_mnist_dist.py - the MLP of fashion_mnist_mlp.py trained
data-parallel across processes: Module.fit with a dist_sync KVStore, the
optimizer (SGD with momentum, the rate dropping 10x at 60% and 80% of the
epochs) running on the servers, each worker reading its own part of the
training set (MNISTIter's num_parts/part_index). Rank 0 evaluates on the
test set, prints, and writes the checkpoint (atomically, as every
mx.model checkpoint); the servers serve inside `import mxc`.

    mxc-launch -n 2 -s 1 .venv/bin/python examples/fashion_mnist_dist.py [--epochs 10]

With the default per-worker batch of 128 / W (W workers) and the learning rate of
fashion_mnist_mlp.py, each step sees the same global batch (128) as the
single-process run: rescale_grad is 1/(batch * workers), as in MXNet.
Prints the test accuracy and the time per epoch, then checks that the
checkpoint, reloaded into a fresh Module, predicts the same classes.
"""
import argparse
import logging
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxc as mx  # noqa: E402
from fashion_mnist import data_file  # noqa: E402
from fashion_mnist_mlp import mlp  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--global-batch", type=int, default=128,
                        help="examples per step over all workers (each reads batch / W)")
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--kvstore", default="dist_sync")
    parser.add_argument("--out-dir", default=".")
    args = parser.parse_args()

    kv = mx.kv.create(args.kvstore)
    rank, workers = kv.rank, kv.num_workers
    # Only rank 0 talks; the others log warnings and errors only.
    logging.basicConfig(level=logging.INFO if rank == 0 else logging.WARNING,
                        format="%(message)s" if rank == 0 else "[worker %d] %%(message)s" % rank)
    if args.global_batch % workers:
        sys.exit("--global-batch %d is not a multiple of the %d workers"
                 % (args.global_batch, workers))
    batch = args.global_batch // workers
    mx.random.seed(42)
    np.random.seed(42)

    # Worker r reads part r of the (seeded, so identically) shuffled training set.
    train = mx.io.MNISTIter(image=data_file("train-images-idx3-ubyte.gz"),
                            label=data_file("train-labels-idx1-ubyte.gz"),
                            batch_size=batch, flat=True, shuffle=True, seed=42,
                            num_parts=workers, part_index=rank, silent=True)
    test = mx.io.MNISTIter(image=data_file("t10k-images-idx3-ubyte.gz"),
                           label=data_file("t10k-labels-idx1-ubyte.gz"),
                           batch_size=100, flat=True, shuffle=False, silent=True)
    steps_per_epoch = train.num_data // batch
    # The servers count one update per synchronous step.
    steps = sorted({max(1, int(round(f * args.epochs))) * steps_per_epoch for f in (0.6, 0.8)})
    schedule = mx.lr_scheduler.MultiFactorScheduler(steps, factor=0.1, base_lr=args.lr)

    prefix = os.path.join(args.out_dir, "fashion_mnist_dist")
    if rank == 0:
        os.makedirs(args.out_dir, exist_ok=True)
        print("Training the MLP on Fashion-MNIST with %d workers (%s, %d images each, batch %d "
              "per worker, %d global) for %d epochs"
              % (workers, kv.type, train.num_data, batch, batch * workers, args.epochs))
    epoch_times, val = [], []
    mod = mx.mod.Module(mlp(), context=mx.cpu())
    start = time.time()
    mod.fit(train, eval_data=test if rank == 0 else None,
            eval_metric=mx.metric.CompositeEvalMetric([mx.metric.Accuracy(),
                                                       mx.metric.CrossEntropy()]),
            kvstore=kv, optimizer="sgd",
            optimizer_params={"learning_rate": args.lr, "momentum": args.momentum, "wd": 1e-4,
                              "lr_scheduler": schedule},
            initializer=mx.init.Xavier(), num_epoch=args.epochs,
            batch_end_callback=mx.callback.Speedometer(batch, 200) if rank == 0 else None,
            eval_end_callback=lambda p: val.append(dict(p.eval_metric.get_name_value())),
            epoch_end_callback=[lambda *_: epoch_times.append(time.time())] + (
                [mx.callback.do_checkpoint(prefix, period=args.epochs)] if rank == 0 else []),
            progress_bar=False)
    seconds = time.time() - start
    if rank != 0:
        return
    accuracy = val[-1]["accuracy"]
    per_epoch = np.diff([start] + epoch_times)
    print()
    print("Test accuracy: %.2f%% after %d epochs with %d workers" % (100 * accuracy, args.epochs,
                                                                    workers))
    print("Training time: %.1f s (%.1f s per epoch, median %.1f s; rank 0's evaluation included)"
          % (seconds, seconds / args.epochs, float(np.median(per_epoch))))
    print("Checkpoint: %s-symbol.json, %s-%04d.params" % (prefix, prefix, args.epochs))
    # The checkpoint, reloaded into a fresh one-process Module, predicts the same.
    fresh = mx.mod.Module.load(prefix, args.epochs, context=mx.cpu())
    fresh.bind(data_shapes=test.provide_data, label_shapes=test.provide_label,
               for_training=False)
    want = mod.predict(test).asnumpy().argmax(axis=1)
    got = fresh.predict(test).asnumpy().argmax(axis=1)
    print("Reloaded checkpoint: %s predictions on the %d test images"
          % ("the same" if (want == got).all() else "DIFFERENT", got.size))
    if not (want == got).all():
        sys.exit("the reloaded checkpoint predicts differently")


if __name__ == "__main__":
    main()
