"""test_callback.py - mx.callback: the log lines MXNet prints (Speedometer,
log_train_metric, ProgressBar, LogValidationMetricsCallback), do_checkpoint's
files (which MXNet 1.9.1 loads), and mxc's tqdm progress bar."""
import io
import logging
import re
import time

import numpy as np
import pytest

import mxc as mx
from diff_runner import run_mxnet


def param(epoch, nbatch, metric):
    return mx.model.BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=metric, locals={})


def accuracy(correct, total):
    m = mx.metric.Accuracy()
    m.update([mx.nd.array(np.ones(total))], [mx.nd.array((np.arange(total) < correct) * 1.0)])
    return m


def test_speedometer_auto_reset(caplog):
    caplog.set_level(logging.INFO)
    metric = accuracy(3, 4)
    speed = mx.callback.Speedometer(batch_size=32, frequent=2)
    for nbatch in range(5):
        speed(param(1, nbatch, metric))
        time.sleep(0.01)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert re.fullmatch(r"Epoch\[1\] Batch \[0-2\]\tSpeed: [0-9.]+ samples/sec\t"
                        r"accuracy=0\.750000", lines[0])
    # auto_reset cleared the local metric after the first line
    assert re.fullmatch(r"Epoch\[1\] Batch \[2-4\]\tSpeed: [0-9.]+ samples/sec\taccuracy=nan",
                        lines[1])
    speed_value = float(lines[0].split("Speed: ")[1].split(" ")[0])
    assert 100 < speed_value < 2 * 32 / 0.01


def test_speedometer_cumulative_and_without_metric(caplog):
    caplog.set_level(logging.INFO)
    speed = mx.callback.Speedometer(batch_size=8, frequent=1, auto_reset=False)
    metric = accuracy(1, 2)
    for nbatch in range(3):
        speed(param(0, nbatch, metric))
    assert [r.getMessage().split("\t")[0] for r in caplog.records] == \
        ["Epoch[0] Batch [0-1]", "Epoch[0] Batch [0-2]"]
    assert caplog.records[-1].getMessage().endswith("accuracy=0.500000")
    caplog.clear()
    speed = mx.callback.Speedometer(batch_size=8, frequent=1)
    speed(param(0, 0, None))
    speed(param(0, 1, None))
    assert re.fullmatch(r"Iter\[0\] Batch \[1\]\tSpeed: [0-9.]+ samples/sec",
                        caplog.records[0].getMessage())


def test_log_train_metric_progress_bar_validation(caplog):
    caplog.set_level(logging.INFO)
    metric = accuracy(1, 4)
    cb = mx.callback.log_train_metric(period=2, auto_reset=True)
    cb(param(3, 1, metric))
    cb(param(3, 2, metric))
    cb(param(3, 4, metric))
    bar = mx.callback.ProgressBar(total=4, length=8)
    bar(param(0, 2, None))
    mx.callback.LogValidationMetricsCallback()(param(5, 0, accuracy(2, 4)))
    assert [r.getMessage() for r in caplog.records] == [
        "Iter[3] Batch[2] Train-accuracy=0.250000",
        "Iter[3] Batch[4] Train-accuracy=nan",
        "[====----] 50%\r",
        "Epoch[5] Validation-accuracy=0.500000"]


def test_tqdm_progress_bar():
    out = io.StringIO()
    bar = mx.callback.TqdmProgressBar(total=5, file=out, refresh=1)
    metric = accuracy(2, 4)
    for nbatch in range(5):
        bar(param(0, nbatch, metric))
    assert bar._bar.n == 5 and bar._bar.postfix == "accuracy=0.5000"  # pylint: disable=W0212
    bar(param(1, 0, metric))  # a new epoch: a new bar
    assert bar._bar.n == 1  # pylint: disable=protected-access
    bar.close()
    text = out.getvalue()
    assert "Epoch[0]" in text and "Epoch[1]" in text and "/5 " in text


def test_do_checkpoint_files_load_in_mxnet(mxnet, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    prefix = str(tmp_path / "net")
    arg = {'fc_weight': mx.nd.array(np.arange(6).reshape(2, 3)), 'fc_bias': mx.nd.ones(2)}
    aux = {'bn_moving_var': mx.nd.ones(3) * 2}
    cb = mx.callback.do_checkpoint(prefix, period=2)
    for epoch in range(4):
        cb(epoch, None, arg, aux)
    assert [r.getMessage() for r in caplog.records] == [
        'Saved checkpoint to "%s-0002.params"' % prefix,
        'Saved checkpoint to "%s-0004.params"' % prefix]
    assert not (tmp_path / "net-0001.params").exists()
    theirs = run_mxnet("""
arg, aux = mx.model.load_params(%r, 4)
out['names'] = sorted(arg) + sorted(aux)
out['w'] = arg['fc_weight'].asnumpy()
out['v'] = aux['bn_moving_var'].asnumpy()
""" % prefix, tmp_path)
    assert theirs['names'] == ['fc_bias', 'fc_weight', 'bn_moving_var']
    np.testing.assert_array_equal(theirs['w'], np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(theirs['v'], [2, 2, 2])


def test_load_params_of_mxnet(mxnet, tmp_path, caplog):
    prefix = str(tmp_path / "theirs")
    run_mxnet("""
mx.nd.save(%r, {'arg:w': mx.nd.array([[1, 2]]), 'aux:m': mx.nd.array([3])})
""" % (prefix + "-0007.params"), tmp_path)
    arg, aux = mx.model.load_params(prefix, 7)
    assert list(arg) == ['w'] and list(aux) == ['m']
    np.testing.assert_array_equal(arg['w'].asnumpy(), [[1, 2]])
    mx.nd.save(prefix + "-0008.params", [])
    assert mx.model.load_params(prefix, 8) == ({}, {})
    assert caplog.records[-1].getMessage() == \
        "Params file '%s-0008.params' is empty" % prefix
