"""callback.py - callbacks for Module.fit and score (mx.callback), as MXNet
1.x's ``mxnet.callback``, logging the same lines through ``logging``:

    Epoch[0] Batch [0-100]	Speed: 41234.56 samples/sec	accuracy=0.781250
    Saved checkpoint to "mlp-0001.params"

Batch-end callbacks receive a BatchEndParam (epoch, nbatch, eval_metric,
locals); epoch-end callbacks receive (epoch, symbol, arg_params,
aux_params). ``TqdmProgressBar`` is mxc's: the progress bar Module.fit
shows by default (tqdm), one bar per epoch with the running metric.
"""
import logging
import math
import time

from .model import save_checkpoint

__all__ = ["module_checkpoint", "do_checkpoint", "log_train_metric", "Speedometer",
           "ProgressBar", "LogValidationMetricsCallback", "TqdmProgressBar"]


def module_checkpoint(mod, prefix, period=1, save_optimizer_states=False):
    """An epoch-end callback saving `mod` (and optionally its optimizer
    states) every `period` epochs."""
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):  # pylint: disable=unused-argument
        if (iter_no + 1) % period == 0:
            mod.save_checkpoint(prefix, iter_no + 1, save_optimizer_states)
    return _callback


def do_checkpoint(prefix, period=1):
    """An epoch-end callback writing prefix-symbol.json and
    prefix-%04d.params every `period` epochs (numbered from 1)."""
    period = int(max(1, period))

    def _callback(iter_no, sym, arg, aux):
        if (iter_no + 1) % period == 0:
            save_checkpoint(prefix, iter_no + 1, sym, arg, aux)
    return _callback


def log_train_metric(period, auto_reset=False):
    """A batch-end callback logging the training metric every `period`
    batches (and resetting its local part with auto_reset)."""
    def _callback(param):
        if param.nbatch % period == 0 and param.eval_metric is not None:
            for name, value in param.eval_metric.get_name_value():
                logging.info('Iter[%d] Batch[%d] Train-%s=%f', param.epoch, param.nbatch, name,
                             value)
            if auto_reset:
                param.eval_metric.reset_local()
    return _callback


class Speedometer(object):
    """Logs the training speed and metric every `frequent` batches.

    With auto_reset the metric shown covers the last `frequent` batches
    (``Batch [100-200]``), else everything since the epoch began
    (``Batch [0-200]``).
    """

    def __init__(self, batch_size, frequent=50, auto_reset=True):
        self.batch_size = batch_size
        self.frequent = frequent
        self.init = False
        self.tic = 0
        self.last_count = 0
        self.auto_reset = auto_reset

    def __call__(self, param):
        count = param.nbatch
        if self.last_count > count:
            self.init = False
        self.last_count = count
        if not self.init:
            self.init = True
            self.tic = time.time()
            return
        if count % self.frequent != 0:
            return
        try:
            speed = self.frequent * self.batch_size / (time.time() - self.tic)
        except ZeroDivisionError:
            speed = float('inf')
        if param.eval_metric is not None:
            name_value = param.eval_metric.get_name_value()
            if self.auto_reset:
                param.eval_metric.reset_local()
                msg = 'Epoch[%d] Batch [%d-%d]\tSpeed: %.2f samples/sec'
                msg += '\t%s=%f' * len(name_value)
                logging.info(msg, param.epoch, count - self.frequent, count, speed,
                             *sum(name_value, ()))
            else:
                msg = 'Epoch[%d] Batch [0-%d]\tSpeed: %.2f samples/sec'
                msg += '\t%s=%f' * len(name_value)
                logging.info(msg, param.epoch, count, speed, *sum(name_value, ()))
        else:
            logging.info("Iter[%d] Batch [%d]\tSpeed: %.2f samples/sec", param.epoch, count,
                         speed)
        self.tic = time.time()


class ProgressBar(object):
    """Logs a text progress bar of the epoch's batches (MXNet's)."""

    def __init__(self, total, length=80):
        self.bar_len = length
        self.total = total

    def __call__(self, param):
        count = param.nbatch
        filled_len = int(round(self.bar_len * count / float(self.total)))
        percents = math.ceil(100.0 * count / float(self.total))
        prog_bar = '=' * filled_len + '-' * (self.bar_len - filled_len)
        logging.info('[%s] %s%s\r', prog_bar, percents, '%')


class LogValidationMetricsCallback(object):
    """Logs the metrics at the end of an evaluation."""

    def __call__(self, param):
        if not param.eval_metric:
            return
        for name, value in param.eval_metric.get_name_value():
            logging.info('Epoch[%d] Validation-%s=%f', param.epoch, name, value)


class TqdmProgressBar(object):
    """A tqdm progress bar per epoch, with the running metric as postfix.

    Module.fit adds one (``progress_bar='auto'``: shown when stderr is a
    terminal, tqdm's ``disable=None``) with total = the number of batches
    when the iterator knows it. The bar writes to stderr and disappears
    when the epoch ends, leaving MXNet's log lines as they are.
    """

    def __init__(self, total=None, desc="Epoch", refresh=20, disable=False, file=None):
        self.total = total
        self.file = file
        self.desc = desc
        self.refresh = max(1, int(refresh))
        self.disable = disable
        self._bar = None
        self._epoch = None

    def __call__(self, param):
        from tqdm import tqdm  # pylint: disable=import-outside-toplevel
        if self._bar is None or param.epoch != self._epoch:
            self.close()
            self._epoch = param.epoch
            self._bar = tqdm(total=self.total, desc="%s[%d]" % (self.desc, param.epoch),
                             unit="batch", leave=False, dynamic_ncols=True,
                             disable=self.disable, file=self.file)
        self._bar.update(1)
        if param.eval_metric is not None and param.nbatch % self.refresh == 0:
            self._bar.set_postfix({n: "%.4f" % v for n, v in
                                   param.eval_metric.get_name_value()}, refresh=False)

    def close(self):
        """Closes the current bar (fit calls it at each epoch's end)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
