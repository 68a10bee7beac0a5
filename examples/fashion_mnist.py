"""fashion_mnist.py - what the Fashion-MNIST examples share: the data
(Debian's dataset-fashion-mnist, read by mx.io.MNISTIter straight from its
.gz files), training with mx.mod.Module.fit and a per-epoch history, the
accuracy/loss plot, and the round trip of the trained model through a
checkpoint into a fresh Module and into `mxc compile` + the deploy program
(libmxrt only), which must all predict the same classes.

fashion_mnist_mlp.py and fashion_mnist_lenet.py define the networks and call
run(); bench/python/train_bench.py reuses the data and networks.
"""
import argparse
import logging
import os
import re
import subprocess
import sys
import time

import numpy as np

import mxc as mx

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.environ.get("MXC_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]


def data_file(name):
    """Path of one of the four Fashion-MNIST files; a clear exit if missing."""
    path = os.path.join(DATA_DIR, name)
    if not os.path.exists(path):
        sys.exit("Fashion-MNIST not found: %s is missing. Install Debian's dataset-fashion-mnist "
                 "(scripts/install-deps.sh does) or set MXC_FASHION_MNIST_DIR." % path)
    return path


def iterators(batch_size, flat, train_parts=1, eval_batch_size=100):
    """(train, test) MNISTIters; train shuffled once (seeded), as MXNet's;
    train_parts > 1 trains on the first 1/train_parts of the set."""
    train = mx.io.MNISTIter(image=data_file("train-images-idx3-ubyte.gz"),
                            label=data_file("train-labels-idx1-ubyte.gz"),
                            batch_size=batch_size, flat=flat, shuffle=True, seed=42,
                            num_parts=train_parts, part_index=0, silent=True)
    test = mx.io.MNISTIter(image=data_file("t10k-images-idx3-ubyte.gz"),
                           label=data_file("t10k-labels-idx1-ubyte.gz"),
                           batch_size=eval_batch_size, flat=flat, shuffle=False, silent=True)
    return train, test


class History(object):
    """Per-epoch train and validation metrics, from fit's callbacks."""

    def __init__(self):
        self.train, self.val = [], []

    def batch_end(self, param):
        if param.locals.get("end_of_batch"):
            self.train.append(dict(param.eval_metric.get_global_name_value()))

    def eval_end(self, param):
        self.val.append(dict(param.eval_metric.get_name_value()))


def plot(history, path, title):
    """Accuracy and loss per epoch, train and validation, as a PNG."""
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    epochs = np.arange(1, len(history.train) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, key, label in ((axes[0], "accuracy", "accuracy"),
                           (axes[1], "cross-entropy", "loss (cross-entropy)")):
        ax.plot(epochs, [h[key] for h in history.train], "o-", label="train")
        ax.plot(epochs, [h[key] for h in history.val], "s-", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def deploy(prefix, epoch, images, shape, workdir):
    """Top-1 classes of `images` from `mxc compile` + deploy (None, with the
    reason, when the programs are not built)."""
    bindir = os.environ.get("MXC_BIN", os.path.join(REPO, "build", "bin"))
    mxc_bin, deploy_bin = os.path.join(bindir, "mxc"), os.path.join(bindir, "deploy")
    for prog in (mxc_bin, deploy_bin):
        if not os.access(prog, os.X_OK):
            return None, "%s is not built (cmake --build build --target mxc deploy)" % prog
    so = os.path.join(workdir, os.path.basename(prefix) + ".so")
    batch = ",".join(str(d) for d in (len(images),) + shape)
    subprocess.run([mxc_bin, "compile", prefix + "-symbol.json", "--shape", "data=" + batch,
                    "--shape", "softmax_label=%d" % len(images), "-o", so], check=True)
    npy = os.path.join(workdir, "deploy-input.npy")
    np.save(npy, images.astype(np.float32))
    out = subprocess.run([deploy_bin, so, "%s-%04d.params" % (prefix, epoch), npy, "--top", "1"],
                         check=True, capture_output=True, text=True).stdout
    top = [int(m.group(1)) for m in re.finditer(r"top 1 of \d+ classes: (\d+)", out)]
    return np.array(top), None


def normalized(data):
    """The pixels (MNISTIter's x/256) shifted and scaled to mean 0, std 1 over
    the training set: part of the graph, so the deployed model takes raw
    MNISTIter pixels too."""
    return (data - 0.2860) * (1 / 0.3530)


def run(name, net, flat, default_epochs, default_lr, goal, description):
    """Trains `net` on Fashion-MNIST, reports test accuracy and time, writes
    the plot and a checkpoint, and checks the reloaded and compiled models
    predict the same classes. Returns the test accuracy."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=default_epochs)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=default_lr)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--contexts", type=int, default=1,
                        help="data parallelism over this many CPU contexts (a KVStore sums the "
                             "gradients)")
    parser.add_argument("--train-parts", type=int, default=1,
                        help="train on the first 1/N of the training set (quick runs)")
    parser.add_argument("--out-dir", default=".")
    parser.add_argument("--no-deploy", action="store_true",
                        help="skip the mxc compile + deploy comparison")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    os.makedirs(args.out_dir, exist_ok=True)
    prefix = os.path.join(args.out_dir, name)
    mx.random.seed(42)
    np.random.seed(42)

    train, test = iterators(args.batch_size, flat, args.train_parts)
    batches = train.num_data // args.batch_size
    contexts = [mx.cpu(i) for i in range(args.contexts)]
    mod = mx.mod.Module(net, context=contexts)
    history = History()
    metric = mx.metric.CompositeEvalMetric([mx.metric.Accuracy(), mx.metric.CrossEntropy()])
    print("Training %s on %d Fashion-MNIST images for %d epochs (batch %d, %s)"
          % (name, train.num_data, args.epochs, args.batch_size,
             ", ".join(str(c) for c in contexts)))
    start = time.time()
    # SGD with momentum; the rate drops 10x at 60% and at 80% of the epochs.
    steps = sorted({max(1, int(round(f * args.epochs))) * batches for f in (0.6, 0.8)})
    schedule = mx.lr_scheduler.MultiFactorScheduler(steps, factor=0.1, base_lr=args.lr)
    mod.fit(train, eval_data=test, eval_metric=metric, optimizer="sgd",
            optimizer_params={"learning_rate": args.lr, "momentum": args.momentum, "wd": 1e-4,
                              "lr_scheduler": schedule},
            initializer=mx.init.Xavier(), num_epoch=args.epochs,
            batch_end_callback=[mx.callback.Speedometer(args.batch_size, 200),
                                history.batch_end],
            eval_end_callback=history.eval_end,
            epoch_end_callback=mx.callback.do_checkpoint(prefix, period=args.epochs))
    seconds = time.time() - start
    accuracy = history.val[-1]["accuracy"]

    png = prefix + ".png"
    plot(history, png, "%s on Fashion-MNIST: test accuracy %.2f%%" % (name, 100 * accuracy))

    # The checkpoint, reloaded into a fresh Module for inference.
    fresh = mx.mod.Module.load(prefix, args.epochs, context=mx.cpu())
    fresh.bind(data_shapes=test.provide_data, label_shapes=test.provide_label,
               for_training=False)
    test.reset()
    labels = np.concatenate([b.label[0].asnumpy() for b in test]).astype(int)
    want = mod.predict(test).asnumpy().argmax(axis=1)
    got = fresh.predict(test).asnumpy().argmax(axis=1)
    same_reloaded = bool((want == got).all())

    print()
    print("Test accuracy: %.2f%% after %d epochs (goal: %.0f%%: %s)"
          % (100 * accuracy, args.epochs, 100 * goal, "met" if accuracy >= goal else "NOT met"))
    print("Training time: %.1f s (%.1f s per epoch, evaluation included)"
          % (seconds, seconds / args.epochs))
    print("Plot: %s" % png)
    print("Checkpoint: %s-symbol.json, %s-%04d.params" % (prefix, prefix, args.epochs))
    print("Reloaded Module: %s predictions on the %d test images (accuracy %.2f%%)"
          % ("the same" if same_reloaded else "DIFFERENT", got.size,
             100 * np.mean(got == labels[:got.size])))
    ok = same_reloaded
    if not args.no_deploy:
        n = 16
        test.reset()  # predict left it at its end
        first = next(iter(test)).data[0].asnumpy()[:n]
        test.reset()
        top, why = deploy(prefix, args.epochs, first, first.shape[1:], args.out_dir)
        if top is None:
            print("mxc compile + deploy: skipped (%s)" % why)
        else:
            same = bool((top == want[:n]).all())
            ok = ok and same
            print("mxc compile + deploy (libmxrt only): %s top-1 classes on %d test images: %s"
                  % ("the same" if same else "DIFFERENT", n,
                     " ".join(CLASSES[c].split("/")[0] for c in top[:8]) + " ..."))
    if not ok:
        sys.exit("the reloaded or compiled model predicts differently")
    return accuracy
