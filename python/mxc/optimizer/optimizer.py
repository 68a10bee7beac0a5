"""optimizer.py - the Optimizer base class, its registry, and the Updater the
KVStore runs (mx.optimizer.Optimizer, register, create, Updater,
get_updater), as MXNet 1.9.1's.

What the base class decides, exactly as MXNet:
- the learning rate: ``lr_scheduler(num_update)`` when a scheduler is given,
  else ``learning_rate`` (0.01 when neither is given);
- ``num_update``: the largest number of updates applied to any one index
  (counted per index, starting from ``begin_num_update``, separately per
  device: ``_set_current_context``);
- per-parameter multipliers: ``lr = lr * lr_mult`` and ``wd = wd * wd_mult``,
  looked up by index, then by the index's name in ``idx2name``; set with
  set_lr_mult/set_wd_mult or taken from a symbol's ``__lr_mult__`` /
  ``__wd_mult__`` attributes (``sym=``) or from ``param_dict``. Given
  ``param_idx2name``, names that end neither in ``_weight`` nor ``_gamma``
  get wd_mult 0.

The update steps themselves are the fused kernels mx.nd.*_update (see
sgd.py and adaptive.py); AdaGrad and AdaDelta, which MXNet 1.9 writes as
chains of NDArray ops, are written the same way here.
"""
import io
import pickle
import warnings

import numpy

from ..ndarray import NDArray
from ..ndarray import cast

__all__ = ['Optimizer', 'register', 'create', 'Updater', 'get_updater']


class Optimizer(object):
    """The base class of all optimizers.

    Parameters
    ----------
    rescale_grad : float, optional, default 1.0
        Multiplies every gradient before the update (often 1.0/batch_size).
    param_idx2name : dict of int to str, optional
        Names of the parameter indices (for lr_mult/wd_mult by name).
    wd : float, optional, default 0.0
        Weight decay (L2 regularization) coefficient.
    clip_gradient : float, optional
        Clips gradients to [-clip_gradient, clip_gradient].
    learning_rate : float, optional
        The learning rate; overrides the scheduler's base_lr. 0.01 when
        neither this nor lr_scheduler is given.
    lr_scheduler : LRScheduler, optional
        Schedules the learning rate by num_update.
    sym : Symbol, optional
        The symbol whose arguments' __lr_mult__/__wd_mult__ apply.
    begin_num_update : int, optional, default 0
        The number of updates to start counting from.
    multi_precision : bool, optional, default False
        Keep a float32 master copy of float16 weights and update that.
    param_dict : dict of int to Parameter, optional
        Parameters whose lr_mult/wd_mult apply (Gluon).
    """

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if self.lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            if self.lr_scheduler.base_lr != learning_rate:
                print(UserWarning("learning rate from ``lr_scheduler`` has been "
                                  "overwritten by ``learning_rate`` in optimizer."))
                self.lr_scheduler.base_lr = learning_rate

        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0

        if param_idx2name is None:
            param_idx2name = {}
        assert isinstance(param_idx2name, dict), \
            'param_idx2name should be a dict of param indexes to names.'
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False

        self.set_lr_mult({})
        self.set_wd_mult({})

    opt_registry = {}

    @staticmethod
    def register(klass):
        """Registers an optimizer class under its lower-cased name.

        Examples
        --------
        >>> @mx.optimizer.Optimizer.register
        ... class MyOptimizer(mx.optimizer.Optimizer):
        ...     pass
        >>> type(mx.optimizer.Optimizer.create_optimizer('MyOptimizer'))
        <class '__main__.MyOptimizer'>
        """
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            warnings.warn('WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s'
                          % (klass.__module__, klass.__name__,
                             Optimizer.opt_registry[name].__module__,
                             Optimizer.opt_registry[name].__name__))
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An optimizer by registered name (case-insensitive), built with kwargs.

        Examples
        --------
        >>> type(mx.optimizer.create('adam', learning_rate=.1))
        <class 'mxc.optimizer.adaptive.Adam'>
        """
        if name.lower() in Optimizer.opt_registry:
            return Optimizer.opt_registry[name.lower()](**kwargs)
        raise ValueError('Cannot find optimizer %s' % name)

    @property
    def learning_rate(self):
        """The current learning rate (the scheduler's at num_update)."""
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def create_state(self, index, weight):
        """The state (e.g. momentum) of the weight at index; None for none."""

    def create_state_multi_precision(self, index, weight):
        """create_state, with a float32 master copy first for a float16 weight
        when multi_precision is on: (weight32, state)."""
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = weight.astype(numpy.float32)
            return (weight_master_copy,) + (self.create_state(index, weight_master_copy),)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to "
                          "poor accuracy or slow convergence. "
                          "Consider using multi_precision=True option of the "
                          "optimizer")
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        """Updates weight (in place) from grad and state."""
        raise NotImplementedError()

    def update_multi_precision(self, index, weight, grad, state):
        """update, through the float32 master copy for a float16 weight with
        multi_precision on (optimizers without mp kernels)."""
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = state[0]
            original_state = state[1]
            grad32 = grad.astype(numpy.float32)
            self.update(index, weight_master_copy, grad32, original_state)
            cast(weight_master_copy, dtype=weight.dtype, out=weight)
        else:
            self.update(index, weight, grad, state)

    def set_learning_rate(self, lr):
        """Sets the learning rate (not with a scheduler: UserWarning raised)."""
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been "
                              "defined. Note that set_learning_rate can mutate "
                              "the value of the learning rate of the optimizer "
                              "only when the LRScheduler of the optimizer is "
                              "undefined.")
        self.lr = lr

    def set_lr_scale(self, args_lrscale):  # pylint: disable=unused-argument
        """[DEPRECATED] Use set_lr_mult."""
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult):
        """Sets learning-rate multipliers by parameter name or index. The
        symbol's ``__lr_mult__`` attributes (sym=) come first; these override."""
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__lr_mult__' in attr[name]:
                    self.lr_mult[name] = float(attr[name]['__lr_mult__'])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Sets weight-decay multipliers by parameter name or index. Names in
        idx2name that end neither in ``_weight`` nor ``_gamma`` get 0; then
        the symbol's ``__wd_mult__`` attributes; these override."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith('_weight') or n.endswith('_gamma')):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__wd_mult__' in attr[name]:
                    self.wd_mult[name] = float(attr[name]['__wd_mult__'])
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id):
        """Counts updates per device from here on."""
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index):
        """Counts one update of index (or of each index of a list)."""
        if not isinstance(index, (list, tuple)):
            index = [index]
        for idx in index:
            if idx not in self._index_update_count:
                self._index_update_count[idx] = self.begin_num_update
            self._index_update_count[idx] += 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _get_lrs(self, indices):
        """The learning rates of the indices (schedule times multipliers)."""
        if self.lr_scheduler is not None:
            lr = self.lr_scheduler(self.num_update)
        else:
            lr = self.lr
        lrs = [lr for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                lrs[i] *= self.param_dict[index].lr_mult
            elif index in self.lr_mult:
                lrs[i] *= self.lr_mult[index]
            elif index in self.idx2name:
                lrs[i] *= self.lr_mult.get(self.idx2name[index], 1.0)
        return lrs

    def _get_lr(self, index):
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        """The weight decays of the indices (wd times multipliers)."""
        wds = [self.wd for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                wds[i] *= self.param_dict[index].wd_mult
            elif index in self.wd_mult:
                wds[i] *= self.wd_mult[index]
            elif index in self.idx2name:
                wds[i] *= self.wd_mult.get(self.idx2name[index], 1.0)
        return wds

    def _get_wd(self, index):
        return self._get_wds([index])[0]

    def _step(self, index, weight, grad):
        """Counts one update of index; its (lr, wd) after the count (the
        schedule reads num_update)."""
        assert isinstance(weight, NDArray)
        assert isinstance(grad, NDArray)
        self._update_count(index)
        return self._get_lr(index), self._get_wd(index)

    def _use_multi_precision(self, index, weight):
        """Whether this update goes through float32 master weights: on, and
        the (first) weight is float16."""
        first = weight[0] if isinstance(index, (tuple, list)) else weight
        return self.multi_precision and first.dtype == numpy.float16

    def _clip_kwargs(self, kwargs, name='clip_gradient'):
        """Adds the clip attribute when clipping is on (MXNet passes it only
        for a truthy clip_gradient)."""
        if self.clip_gradient:
            kwargs[name] = self.clip_gradient
        return kwargs

    def __getstate__(self):
        ret = self.__dict__.copy()
        del ret['param_dict']  # the trainer sets it again
        return ret

    def __setstate__(self, state):
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register  # pylint: disable=invalid-name
create = Optimizer.create_optimizer  # pylint: disable=invalid-name


class _Unpickler(pickle.Unpickler):
    """Reads MXNet 1.x's pickles too: its NDArray, optimizer and scheduler
    classes are found under the same names in mxc."""

    def find_class(self, module, name):
        if module == 'mxnet' or module.startswith('mxnet.'):
            import importlib
            from .. import optimizer as _opt, lr_scheduler as _sched
            if module.startswith('mxnet.optimizer') and hasattr(_opt, name):
                return getattr(_opt, name)
            if module.startswith('mxnet.lr_scheduler') and hasattr(_sched, name):
                return getattr(_sched, name)
            module = 'mxc' + module[len('mxnet'):]
            return getattr(importlib.import_module(module), name)
        return super(_Unpickler, self).find_class(module, name)


def _mxnet_name(obj):
    """The (module, name) MXNet 1.x gives the class obj, or None."""
    from .. import lr_scheduler as _sched
    if obj is NDArray:
        return 'mxnet.ndarray.ndarray', 'NDArray'
    if isinstance(obj, type) and issubclass(obj, Optimizer) and obj.__module__.startswith(
            'mxc.optimizer'):
        return 'mxnet.optimizer.optimizer', obj.__name__
    if isinstance(obj, type) and issubclass(obj, _sched.LRScheduler) and \
            obj.__module__ == _sched.__name__:
        return 'mxnet.lr_scheduler', obj.__name__
    return None


class _MXNetPickler(pickle._Pickler):  # pylint: disable=protected-access
    """Pickles as MXNet 1.x does, naming mxc's NDArray, optimizers and
    schedulers by their MXNet classes, so that MXNet loads the states mxc
    saves (the pure-Python pickler, whose save_global can be overridden)."""

    def save_global(self, obj, name=None):
        target = _mxnet_name(obj)
        if target is None:
            return super(_MXNetPickler, self).save_global(obj, name)
        self.write(pickle.GLOBAL + ('%s\n%s\n' % target).encode('utf-8'))
        self.memoize(obj)
        return None


def _dumps_as_mxnet(obj):
    buf = io.BytesIO()
    _MXNetPickler(buf, pickle.DEFAULT_PROTOCOL).dump(obj)
    return buf.getvalue()


class Updater(object):
    """Applies an optimizer for a KVStore: ``updater(index, grad, weight)``
    creates the index's state on first use and updates weight in place."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index, grad, weight):
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = [index], [grad], [weight]
        else:
            indices, grads, weights = list(index), grad, weight
        if weights:
            self.optimizer._set_current_context(weights[0].context.device_id)
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = idx.decode()
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                self.states[idx] = self.sync_state_context(self.states[idx], weights[i].context)
                self.states_synced[idx] = True
        if self.aggregate_updates and self.optimizer.aggregate_num > 0:
            # Weights of one dtype go together, aggregate_num at a time.
            by_type = {}
            for i, w, g in zip(indices, weights, grads):
                by_type.setdefault(w.dtype, []).append((i, w, g))
            num = self.optimizer.aggregate_num
            for group in by_type.values():
                idx, ws, gs = zip(*group)
                for start in range(0, len(idx), num):
                    self.optimizer.update_multi_precision(
                        list(idx[start:start + num]), list(ws[start:start + num]),
                        list(gs[start:start + num]),
                        [self.states[j] for j in idx[start:start + num]])
        else:
            for i, w, g in zip(indices, weights, grads):
                self.optimizer.update_multi_precision(i, w, g, self.states[i])

    def sync_state_context(self, state, context):
        """The state moved to context (after set_states)."""
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states):
        """Sets the states from get_states's bytes (also MXNet 1.x's)."""
        states = _Unpickler(io.BytesIO(states)).load()
        if isinstance(states, tuple) and len(states) == 2:
            self.states, self.optimizer = states
        else:
            self.states = states
        self.states_synced = dict.fromkeys(self.states.keys(), False)
        self.aggregate_updates = self.optimizer.aggregate_num > 0

    def get_states(self, dump_optimizer=False):
        """The states pickled (with the optimizer when dump_optimizer), with
        MXNet 1.x's class names: MXNet's Updater.set_states reads them, and
        so does this one (pickle.loads alone would look for mxnet)."""
        return _dumps_as_mxnet((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer):
    """The Updater of optimizer, for KVStore._set_updater."""
    return Updater(optimizer)

