"""sgd.py - the momentum-style optimizers: SGD (and ccSGD), NAG, Signum.

Each update is one fused kernel (mx.nd.sgd_update, sgd_mom_update,
mp_sgd_update, mp_sgd_mom_update, nag_mom_update, mp_nag_mom_update,
signsgd_update, signum_update) with MXNet 1.9.1's arguments. Given a list
of indices (the Updater aggregates SGD's updates, as MXNet does), SGD
updates them one by one with the same kernels: MXNet's multi_sgd_* kernels
compute the same rule (multi_sgd without momentum rounds differently: the
results agree to float32 rounding, not bit for bit).
"""
import os
import warnings

import numpy

from ..ndarray import (NDArray, zeros, sgd_update, sgd_mom_update, mp_sgd_update,
                       mp_sgd_mom_update, nag_mom_update, mp_nag_mom_update, signsgd_update,
                       signum_update)
from .optimizer import Optimizer, register

__all__ = ['SGD', 'ccSGD', 'NAG', 'Signum']


def _momentum(optimizer, weight):
    """A zero momentum of weight's shape and dtype, or None without momentum."""
    if optimizer.momentum != 0.0:
        return zeros(weight.shape, weight.context, dtype=weight.dtype)
    return None


def _mp_state(optimizer, index, weight, name):
    """(state, weight32) for a float16 weight with multi_precision, else the state."""
    if optimizer.multi_precision and weight.dtype == numpy.float16:
        weight_master_copy = weight.astype(numpy.float32)
        return (optimizer.create_state(index, weight_master_copy), weight_master_copy)
    if weight.dtype == numpy.float16 and not optimizer.multi_precision:
        warnings.warn("Accumulating with float16 in optimizer can lead to "
                      "poor accuracy or slow convergence. "
                      "Consider using multi_precision=True option of the "
                      "%s optimizer" % name)
    return optimizer.create_state(index, weight)


@register
class SGD(Optimizer):
    """Stochastic gradient descent with momentum and weight decay::

        rescaled_grad = lr * (rescale_grad * clip(grad, clip_gradient) + wd * weight)
        state = momentum * state + rescaled_grad
        weight = weight - state

    (mx.nd.sgd_update / sgd_mom_update; with multi_precision and float16
    weights, mp_sgd_update / mp_sgd_mom_update on a float32 master copy.)

    Parameters
    ----------
    momentum : float, optional
        The momentum value (0: plain SGD, no state).
    lazy_update : bool, optional
        MXNet's flag for row_sparse gradients (mxc arrays are dense).
    multi_precision : bool, optional
        Update float16 weights through a float32 master copy.
    """

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super(SGD, self).__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = int(os.getenv('MXNET_OPTIMIZER_AGGREGATION_SIZE', "4"))

    def create_state_multi_precision(self, index, weight):
        return _mp_state(self, index, weight, 'SGD')

    def create_state(self, index, weight):
        return _momentum(self, weight)

    def _update_impl(self, indices, weights, grads, states, multi_precision=False):
        if not isinstance(indices, (tuple, list)):
            indices, weights, grads, states = [indices], [weights], [grads], [states]
        for weight, grad in zip(weights, grads):
            assert isinstance(weight, NDArray)
            assert isinstance(grad, NDArray)
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        kwargs = {'rescale_grad': self.rescale_grad}
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        self._clip_kwargs(kwargs)
        for weight, grad, state, lr, wd in zip(weights, grads, states, lrs, wds):
            if not multi_precision:
                if state is not None:
                    sgd_mom_update(weight, grad, state, out=weight, lazy_update=self.lazy_update,
                                   lr=lr, wd=wd, **kwargs)
                else:
                    sgd_update(weight, grad, out=weight, lazy_update=self.lazy_update, lr=lr,
                               wd=wd, **kwargs)
            elif state[0] is not None:
                mp_sgd_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd,
                                  **kwargs)
            else:
                mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state,
                          multi_precision=self._use_multi_precision(index, weight))


@register  # pylint: disable=invalid-name
class ccSGD(SGD):
    """[DEPRECATED] Same as SGD (kept for MXNet compatibility)."""


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient::

        state = momentum * state + grad + wd * weight
        weight = weight - (lr * (grad + momentum * state))

    (mx.nd.nag_mom_update; mp_nag_mom_update with multi_precision; plain
    sgd_update when momentum is 0.)
    """

    def __init__(self, momentum=0.0, **kwargs):
        super(NAG, self).__init__(**kwargs)
        self.momentum = momentum

    def create_state_multi_precision(self, index, weight):
        return _mp_state(self, index, weight, 'NAG')

    def create_state(self, index, weight):
        return _momentum(self, weight)

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        lr, wd = self._step(index, weight, grad)
        kwargs = {'rescale_grad': self.rescale_grad}
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        self._clip_kwargs(kwargs)
        if not multi_precision:
            if state is not None:
                nag_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
            else:
                sgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
        elif state[0] is not None:
            mp_nag_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd,
                              **kwargs)
        else:
            mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        use_mp = self.multi_precision and weight.dtype == numpy.float16 \
            and isinstance(state, (tuple, list))
        self._update_impl(index, weight, grad, state, multi_precision=use_mp)


@register
class Signum(Optimizer):
    """signSGD with momentum (Bernstein et al., 2018)::

        rescaled_grad = rescale_grad * clip(grad, clip_gradient) + wd * weight
        state = momentum * state + (1 - momentum) * rescaled_grad
        weight = (1 - lr * wd_lh) * weight - lr * sign(state)

    (mx.nd.signum_update; signsgd_update when momentum is 0.)

    Parameters
    ----------
    momentum : float, optional
        The momentum value.
    wd_lh : float, optional
        Decoupled weight decay (Loshchilov and Hutter).
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super(Signum, self).__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        return _momentum(self, weight)

    def update(self, index, weight, grad, state):
        lr, wd = self._step(index, weight, grad)
        kwargs = {'rescale_grad': self.rescale_grad}
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        self._clip_kwargs(kwargs)
        if self.wd_lh:
            kwargs['wd_lh'] = self.wd_lh
        if state is not None:
            signum_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
        else:
            signsgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
