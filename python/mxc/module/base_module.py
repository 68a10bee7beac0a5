"""base_module.py - BaseModule: the high-level training API every module
shares (fit, score, predict, iter_predict, save/load of parameters), as
MXNet 1.x's ``mxnet.module.BaseModule``.

fit logs what MXNet's does, through the module's logger::

    Epoch[0] Train-accuracy=0.812345
    Epoch[0] Time cost=4.210
    Epoch[0] Validation-accuracy=0.845600

and shows a tqdm progress bar per epoch (to stderr when it is a terminal;
``progress_bar=True`` forces it, ``False`` turns it off), through which
log lines are written while it runs.
"""
import contextlib
import logging
import time
import warnings

import numpy as np

from .. import metric
from .. import ndarray
from ..model import BatchEndParam, _params_dict, _split_params
from ..initializer import Uniform
from ..io import DataDesc, DataIter, DataBatch
from ..callback import TqdmProgressBar

__all__ = ["BaseModule"]


def _as_list(obj):
    return obj if isinstance(obj, (list, tuple)) else [obj]


def _check_input_names(symbol, names, typename, throw):
    """Every name in `names` must be an argument of `symbol`."""
    args = symbol.list_arguments()
    for name in names:
        if name in args:
            continue
        candidates = [arg for arg in args if not arg.endswith(('_weight', '_bias', '_gamma',
                                                               '_beta'))]
        msg = "You created Module with Module(..., %s_names=%s) but input with name '%s' is " \
              "not found in symbol.list_arguments(). Did you mean one of:\n\t%s" % (
                  typename, str(names), name, '\n\t'.join(candidates))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


def _check_names_match(data_names, data_shapes, name, throw):
    actual = [x[0] for x in data_shapes]
    if sorted(data_names) != sorted(actual):
        msg = "Data provided by %s_shapes don't match names specified by %s_names (%s vs. %s)" % (
            name, name, str(data_shapes), str(data_names))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


def _parse_data_desc(data_names, label_names, data_shapes, label_shapes):
    """DataDescs of data and label, checked against the module's names."""
    data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
    _check_names_match(data_names, data_shapes, 'data', True)
    if label_shapes is not None:
        label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in label_shapes]
        _check_names_match(label_names, label_shapes, 'label', False)
    else:
        _check_names_match(label_names, [], 'label', False)
    return data_shapes, label_shapes


def _num_batches(data_iter):
    """Batches per epoch when the iterator can tell (for the progress bar)."""
    inner = getattr(data_iter, "data_iter", None)
    if hasattr(data_iter, "size") and inner is not None:
        return data_iter.size  # ResizeIter
    num, batch = getattr(data_iter, "num_data", None), getattr(data_iter, "batch_size", 0)
    if not isinstance(num, int) or not batch:
        return None
    if getattr(data_iter, "last_batch_handle", "discard") == "pad":
        return -(-num // batch)
    return num // batch


@contextlib.contextmanager
def _progress(enabled, total):
    """A TqdmProgressBar (or None), with log lines routed through tqdm."""
    if not enabled:
        yield None
        return
    try:
        from tqdm.contrib.logging import logging_redirect_tqdm  # pylint: disable=C0415
    except ImportError:
        if enabled == "auto":  # tqdm is a dependency, but fit works without it
            yield None
            return
        raise
    bar = TqdmProgressBar(total=total, disable=None if enabled == "auto" else False)
    try:
        with logging_redirect_tqdm():
            yield bar
    finally:
        bar.close()


class BaseModule(object):
    """The base class of modules: binding, parameters, forward/backward,
    update, and the fit/score/predict loops built on them."""

    def __init__(self, logger=logging):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol = None
        self._total_exec_bytes = 0

    # ---- high-level API ------------------------------------------------------
    def forward_backward(self, data_batch):
        """forward(is_train=True), then backward()."""
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data, eval_metric, num_batch=None, batch_end_callback=None,
              score_end_callback=None, reset=True, epoch=0, sparse_row_id_fn=None):
        """Runs prediction on eval_data and returns eval_metric's
        [(name, value)]."""
        assert self.binded and self.params_initialized
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            if isinstance(eval_batch, list):
                self.update_metric(eval_metric, [eb.label for eb in eval_batch], pre_sliced=True)
            else:
                self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                params = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric,
                                       locals=locals())
                for callback in _as_list(batch_end_callback):
                    callback(params)
            actual_num_batch += 1
        if score_end_callback:
            params = BatchEndParam(epoch=epoch, nbatch=actual_num_batch,
                                   eval_metric=eval_metric, locals=locals())
            for callback in _as_list(score_end_callback):
                callback(params)
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data, num_batch=None, reset=True, sparse_row_id_fn=None):
        """Yields (outputs without padding, batch number, batch)."""
        assert self.binded and self.params_initialized
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad or 0
            outputs = [out[0:out.shape[0] - pad] for out in self.get_outputs()]
            yield (outputs, nbatch, eval_batch)

    def predict(self, eval_data, num_batch=None, merge_batches=True, reset=True,
                always_output_list=False, sparse_row_id_fn=None):
        """The outputs over eval_data (a DataIter, an NDArray or a NumPy
        array), padding removed; merged over batches unless
        merge_batches=False; one output unwrapped unless always_output_list."""
        assert self.binded and self.params_initialized
        if isinstance(eval_data, (ndarray.NDArray, np.ndarray)):
            if isinstance(eval_data, np.ndarray):
                eval_data = ndarray.array(eval_data)
            self.forward(DataBatch([eval_data]))
            return self.get_outputs()[0]
        if not isinstance(eval_data, DataIter):
            raise ValueError('eval_data must be of type NDArray or DataIter')
        if reset:
            eval_data.reset()
        output_list = []
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad or 0
            output_list.append([out[0:out.shape[0] - pad].copy() for out in self.get_outputs()])
        if not output_list:
            return output_list
        if merge_batches:
            num_outputs = len(output_list[0])
            for out in output_list:
                if len(out) != num_outputs:
                    raise ValueError('Cannot merge batches, as num of outputs is not the same '
                                     'in mini-batches. Maybe bucketing is used?')
            merged = [ndarray.concat(*[out[i] for out in output_list], dim=0)
                      for i in range(num_outputs)]
            if num_outputs == 1 and not always_output_list:
                return merged[0]
            return merged
        return output_list

    def fit(self, train_data, eval_data=None, eval_metric='acc', epoch_end_callback=None,
            batch_end_callback=None, kvstore='local', optimizer='sgd',
            optimizer_params=(('learning_rate', 0.01),), eval_end_callback=None,
            eval_batch_end_callback=None, initializer=Uniform(0.01), arg_params=None,
            aux_params=None, allow_missing=False, force_rebind=False, force_init=False,
            begin_epoch=0, num_epoch=None, validation_metric=None, monitor=None,
            sparse_row_id_fn=None, progress_bar="auto"):
        """Trains the module's parameters on train_data for epochs
        [begin_epoch, num_epoch), evaluating on eval_data after each.

        MXNet's arguments; progress_bar ('auto': a tqdm bar when stderr is
        a terminal; True; False) is mxc's.
        """
        if num_epoch is None:
            raise ValueError('please specify number of epochs')
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                            optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        total = _num_batches(train_data)
        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            nbatch = 0
            with _progress(progress_bar, total) as bar:
                callbacks = _as_list(batch_end_callback) if batch_end_callback else []
                if bar is not None:
                    callbacks = callbacks + [bar]
                data_iter = iter(train_data)
                end_of_batch = False
                try:
                    next_data_batch = next(data_iter)
                except StopIteration:
                    raise ValueError("fit: train_data yielded no batch in epoch %d (reset it, "
                                     "or check its size against the batch size)" % epoch) from None
                while not end_of_batch:
                    data_batch = next_data_batch
                    if monitor is not None:
                        monitor.tic()
                    self.forward_backward(data_batch)
                    self.update()
                    if isinstance(data_batch, list):
                        self.update_metric(eval_metric, [db.label for db in data_batch],
                                           pre_sliced=True)
                    else:
                        self.update_metric(eval_metric, data_batch.label)
                    try:
                        next_data_batch = next(data_iter)
                        self.prepare(next_data_batch, sparse_row_id_fn=sparse_row_id_fn)
                    except StopIteration:
                        end_of_batch = True
                    if monitor is not None:
                        monitor.toc_print()
                    if end_of_batch:
                        eval_name_vals = eval_metric.get_global_name_value()
                    if callbacks:
                        params = BatchEndParam(epoch=epoch, nbatch=nbatch,
                                               eval_metric=eval_metric, locals=locals())
                        for callback in callbacks:
                            callback(params)
                    nbatch += 1
            for name, val in eval_name_vals:
                self.logger.info('Epoch[%d] Train-%s=%f', epoch, name, val)
            toc = time.time()
            self.logger.info('Epoch[%d] Time cost=%.3f', epoch, (toc - tic))
            # sync aux params across devices
            arg_params, aux_params = self.get_params()
            self.set_params(arg_params, aux_params)
            if epoch_end_callback is not None:
                for callback in _as_list(epoch_end_callback):
                    callback(epoch, self.symbol, arg_params, aux_params)
            if eval_data:
                res = self.score(eval_data, validation_metric,
                                 score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, val in res:
                    self.logger.info('Epoch[%d] Validation-%s=%f', epoch, name, val)
            train_data.reset()

    # ---- symbol information --------------------------------------------------
    @property
    def data_names(self):
        """Names of the data inputs."""
        raise NotImplementedError()

    @property
    def output_names(self):
        """Names of the outputs."""
        raise NotImplementedError()

    @property
    def data_shapes(self):
        """[DataDesc] of the data inputs (bound modules)."""
        raise NotImplementedError()

    @property
    def label_shapes(self):
        """[DataDesc] of the labels ([] or None without labels)."""
        raise NotImplementedError()

    @property
    def output_shapes(self):
        """[(name, shape)] of the outputs."""
        raise NotImplementedError()

    # ---- parameters ----------------------------------------------------------
    def get_params(self):
        """(arg_params, aux_params): name -> NDArray on the CPU."""
        raise NotImplementedError()

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initializes parameters from arg/aux_params, else by initializer."""
        raise NotImplementedError()

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Assigns parameter and auxiliary state values."""
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init,
                         allow_extra=allow_extra)

    def save_params(self, fname):
        """Saves the parameters ('arg:'/'aux:' names) to fname, atomically."""
        arg_params, aux_params = self.get_params()
        ndarray.save(fname, _params_dict(arg_params, aux_params))

    def load_params(self, fname):
        """Loads parameters saved by save_params (or MXNet's)."""
        arg_params, aux_params = _split_params(ndarray.load(fname), fname, strict=True)
        self.set_params(arg_params, aux_params)

    def get_states(self, merge_multi_context=True):
        """States of a stateful module (none here)."""
        assert self.binded and self.params_initialized
        assert not merge_multi_context
        return []

    def set_states(self, states=None, value=None):
        """Sets the states of a stateful module (none here)."""
        assert self.binded and self.params_initialized
        assert not states and not value

    def install_monitor(self, mon):
        """Installs a monitor on the executors."""
        raise NotImplementedError()

    # ---- computations --------------------------------------------------------
    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Prepares for a batch (bucket switching, sparse pulls)."""
        if sparse_row_id_fn is not None:
            warnings.warn(UserWarning("sparse_row_id_fn is not invoked for BaseModule."))

    def forward(self, data_batch, is_train=None):
        """Forward on a DataBatch (is_train None: as bound)."""
        raise NotImplementedError()

    def backward(self, out_grads=None):
        """Backward (out_grads for heads that are not losses)."""
        raise NotImplementedError()

    def get_outputs(self, merge_multi_context=True):
        """The outputs of the last forward."""
        raise NotImplementedError()

    def get_input_grads(self, merge_multi_context=True):
        """Gradients of the data inputs from the last backward."""
        raise NotImplementedError()

    def update(self):
        """Updates the parameters with the last gradients."""
        raise NotImplementedError()

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Accumulates the last forward's outputs into eval_metric."""
        raise NotImplementedError()

    # ---- module setup --------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req='write'):
        """Allocates and compiles for the given input shapes."""
        raise NotImplementedError()

    def init_optimizer(self, kvstore='local', optimizer='sgd',
                       optimizer_params=(('learning_rate', 0.01),), force_init=False):
        """Installs the optimizer (and the KVStore)."""
        raise NotImplementedError()

    @property
    def symbol(self):
        """The module's symbol."""
        return self._symbol

