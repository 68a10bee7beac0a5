"""model.py - checkpoints and the KVStore plumbing of training, as MXNet
1.x's ``mxnet.model`` (spec: mxnet-formats.md 1.7).

A checkpoint is ``prefix-symbol.json`` (Symbol.save) and
``prefix-%04d.params`` (mx.nd.save of {'arg:name': ..., 'aux:name': ...},
copied to the CPU): files MXNet 1.9.1 loads, and MXNet's load here. Both
are written atomically (a temporary file renamed into place), so a crash
mid-save leaves the previous checkpoint intact.

The helpers below (_create_kvstore, _initialize_kvstore, _update_params,
_update_params_on_kvstore) are what Module.init_optimizer and
Module.update call, with MXNet's rules: one device and a non-dist store
need no KVStore; with a KVStore the optimizer runs inside it
(update_on_kvstore) unless MXNET_UPDATE_ON_KVSTORE=0 or a 'local' store
holds a parameter over 16M elements.
"""
import logging
import os
from collections import namedtuple

import numpy as np

from . import _fs
from .context import cpu
from . import ndarray as nd

__all__ = ["BatchEndParam", "save_checkpoint", "load_params", "load_checkpoint"]

BatchEndParam = namedtuple('BatchEndParams', ['epoch', 'nbatch', 'eval_metric', 'locals'])


def _params_dict(arg_params, aux_params):
    save_dict = {('arg:%s' % k): v.as_in_context(cpu()) for k, v in arg_params.items()}
    save_dict.update({('aux:%s' % k): v.as_in_context(cpu()) for k, v in aux_params.items()})
    return save_dict


def _split_params(save_dict, fname, strict):
    """(arg_params, aux_params) from a loaded {'arg:x': ..., 'aux:y': ...}."""
    arg_params, aux_params = {}, {}
    if isinstance(save_dict, list):
        if save_dict and strict:
            raise ValueError("Invalid param file %s: its arrays have no names" % fname)
        save_dict = {}
    for k, v in save_dict.items():
        tp, sep, name = k.partition(':')
        if sep and tp == 'arg':
            arg_params[name] = v
        elif sep and tp == 'aux':
            aux_params[name] = v
        elif strict:
            raise ValueError("Invalid param file %s: key '%s' is neither 'arg:<name>' nor "
                             "'aux:<name>'" % (fname, k))
    return arg_params, aux_params


def _write_bytes(fname, data):
    """Writes `data` to fname atomically (temporary file, then rename)."""
    _fs.write_atomic(fname, data)


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Writes ``prefix-symbol.json`` (unless symbol is None) and
    ``prefix-%04d.params`` % epoch."""
    if symbol is not None:
        symbol.save('%s-symbol.json' % prefix, remove_amp_cast=remove_amp_cast)
    param_name = '%s-%04d.params' % (prefix, epoch)
    nd.save(param_name, _params_dict(arg_params, aux_params))
    logging.info('Saved checkpoint to "%s"', param_name)


def load_params(prefix, epoch):
    """(arg_params, aux_params) from ``prefix-%04d.params`` % epoch."""
    fname = "%s-%04d.params" % (prefix, epoch)
    save_dict = nd.load(fname)
    if not save_dict:
        logging.warning("Params file '%s' is empty", fname)
        return ({}, {})
    return _split_params(save_dict, fname, strict=False)


def load_checkpoint(prefix, epoch):
    """(symbol, arg_params, aux_params) from a checkpoint."""
    from . import symbol as sym  # pylint: disable=import-outside-toplevel
    symbol = sym.load('%s-symbol.json' % prefix)
    arg_params, aux_params = load_params(prefix, epoch)
    return (symbol, arg_params, aux_params)


# ---- KVStore plumbing for Module ------------------------------------------------
def _create_kvstore(kvstore, num_device, arg_params):
    """(kvstore or None, update_on_kvstore) for `num_device` devices."""
    from . import kvstore as kvs  # pylint: disable=import-outside-toplevel
    update_on_kvstore = bool(int(os.getenv('MXNET_UPDATE_ON_KVSTORE', "1")))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, kvs.KVStoreBase):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and 'dist' not in kvstore:
            kv = None  # one device on one machine needs no store
        else:
            kv = kvs.create(kvstore)
            if kvstore == 'local':
                max_size = max(int(np.prod(p.shape)) for p in arg_params.values()) \
                    if arg_params else 0
                if max_size > 1024 * 1024 * 16:
                    update_on_kvstore = False
    else:
        raise TypeError('kvstore must be KVStore, str or None')
    if kv is None:
        update_on_kvstore = False
    else:
        update_on_kvstore &= kv.is_capable(kvs.KVStoreBase.OPTIMIZER)
    return (kv, update_on_kvstore)


def _initialize_kvstore(kvstore, param_arrays, arg_params, param_names, update_on_kvstore):
    """Puts every parameter in the store (and on every device)."""
    for idx, param_on_devs in enumerate(param_arrays):
        name = param_names[idx]
        if not update_on_kvstore:
            kvstore.init(name, arg_params[name])
        else:
            kvstore.broadcast(name, arg_params[name], out=param_on_devs)


def _update_params_on_kvstore(param_arrays, grad_arrays, kvstore, param_names):
    """Pushes every gradient (summed over devices; the store's optimizer
    updates) and pulls the weights back to every device."""
    for index, (arg_list, grad_list) in enumerate(zip(param_arrays, grad_arrays)):
        if grad_list[0] is None:
            continue
        kvstore.pushpull(param_names[index], grad_list, out=arg_list, priority=-index)


def _update_params(param_arrays, grad_arrays, updater, num_device, kvstore=None,
                   param_names=None):
    """Sums gradients over devices through the store (if any), then runs
    the updater on every device's copy (index i*num_device+k keeps
    separate optimizer states per device, as MXNet)."""
    updates = [[] for _ in range(num_device)]
    for i, (arg_list, grad_list) in enumerate(zip(param_arrays, grad_arrays)):
        if grad_list[0] is None:
            continue
        if kvstore:
            kvstore.pushpull(param_names[i], grad_list, priority=-i)
        for k, (w, g) in enumerate(zip(arg_list, grad_list)):
            updates[k].append((i * num_device + k, g, w))
    for dev_updates in updates:
        if dev_updates:
            idx, grads, weights = zip(*dev_updates)
            updater(list(idx), list(grads), list(weights))
