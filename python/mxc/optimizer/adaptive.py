"""adaptive.py - the optimizers with per-coordinate step sizes: Adam,
AdaGrad, RMSProp, AdaDelta, Ftrl, FTML, LAMB; and Test.

Adam, RMSProp, Ftrl, FTML and LAMB are fused kernels (mx.nd.adam_update,
rmsprop_update/rmspropalex_update, ftrl_update, ftml_update,
lamb_update_phase1/2). AdaGrad and AdaDelta are chains of NDArray ops, as
in MXNet 1.9.1 (it has no dense fused kernel for them), each op the
engine's; their results equal MXNet's op for op.
"""
import math

from ..ndarray import (zeros, clip, sqrt, square, norm, cast, adam_update,
                       rmsprop_update, rmspropalex_update, ftrl_update, ftml_update,
                       lamb_update_phase1, lamb_update_phase2, mp_lamb_update_phase1)
from .optimizer import Optimizer, register

__all__ = ['Adam', 'AdaGrad', 'RMSProp', 'AdaDelta', 'Ftrl', 'FTML', 'LAMB', 'Test']


@register
class Adam(Optimizer):
    """Adam (Kingma and Ba, 2014)::

        rescaled_grad = clip(grad * rescale_grad + wd * weight, clip_gradient)
        m = beta1 * m + (1 - beta1) * rescaled_grad
        v = beta2 * v + (1 - beta2) * (rescaled_grad**2)
        lr = learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t)
        w = w - lr * m / (sqrt(v) + epsilon)

    at step t of the weight (mx.nd.adam_update).
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 lazy_update=True, **kwargs):
        super(Adam, self).__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),   # mean
                zeros(weight.shape, weight.context, dtype=weight.dtype))   # variance

    def update(self, index, weight, grad, state):
        lr, wd = self._step(index, weight, grad)
        t = self._index_update_count[index]
        coef1 = 1. - self.beta1**t
        coef2 = 1. - self.beta2**t
        lr *= math.sqrt(coef2) / coef1
        kwargs = self._clip_kwargs({'beta1': self.beta1, 'beta2': self.beta2,
                                    'epsilon': self.epsilon, 'rescale_grad': self.rescale_grad})
        mean, var = state
        adam_update(weight, grad, mean, var, out=weight, lazy_update=self.lazy_update, lr=lr,
                    wd=wd, **kwargs)


@register
class AdaGrad(Optimizer):
    """AdaGrad (Duchi et al., 2011)::

        grad = clip(grad * rescale_grad, clip_gradient)
        history += square(grad)
        div = grad / sqrt(history + float_stable_eps)
        weight += (div + weight * wd) * -lr

    Parameters
    ----------
    eps : float, optional
        Added to the history under the square root.
    """

    def __init__(self, eps=1e-7, **kwargs):
        super(AdaGrad, self).__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return zeros(weight.shape, weight.context)  # history

    def update(self, index, weight, grad, state):
        lr, wd = self._step(index, weight, grad)
        history = state
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        history[:] += square(grad)
        div = grad / sqrt(history + self.float_stable_eps)
        weight[:] += (div + weight * wd) * -lr


@register
class RMSProp(Optimizer):
    """RMSProp: Tieleman and Hinton's (centered=False, mx.nd.rmsprop_update)
    or Graves's (centered=True, mx.nd.rmspropalex_update).

    Parameters
    ----------
    gamma1 : float, optional
        Decay of the moving average of squared gradients.
    gamma2 : float, optional
        The "momentum" of the centered version.
    epsilon : float, optional
        Added under the square root.
    centered : bool, optional
        Graves's version (keeps the mean gradient too).
    clip_weights : float, optional
        Clips weights to [-clip_weights, clip_weights].
    """

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8,
                 centered=False, clip_weights=None, **kwargs):
        super(RMSProp, self).__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        if self.centered:
            return (zeros(weight.shape, weight.context),   # n
                    zeros(weight.shape, weight.context),   # g
                    zeros(weight.shape, weight.context))   # delta
        return (zeros(weight.shape, weight.context),)      # n

    def update(self, index, weight, grad, state):
        lr, wd = self._step(index, weight, grad)
        kwargs = {'gamma1': self.gamma1, 'epsilon': self.epsilon,
                  'rescale_grad': self.rescale_grad}
        if self.centered:
            kwargs['gamma2'] = self.gamma2
        self._clip_kwargs(kwargs)
        if self.clip_weights:
            kwargs['clip_weights'] = self.clip_weights
        if not self.centered:
            (n,) = state
            rmsprop_update(weight, grad, n, out=weight, lr=lr, wd=wd, **kwargs)
        else:
            n, g, delta = state
            rmspropalex_update(weight, grad, n, g, delta, out=weight, lr=lr, wd=wd, **kwargs)


@register
class AdaDelta(Optimizer):
    """AdaDelta (Zeiler, 2012)::

        grad = clip(grad * rescale_grad, clip_gradient)
        acc_grad = rho * acc_grad + (1. - rho) * grad * grad
        delta = sqrt(acc_delta + epsilon) / sqrt(acc_grad + epsilon) * grad
        acc_delta = rho * acc_delta + (1. - rho) * delta * delta
        weight -= (delta + wd * weight)

    As in MXNet, the pushed gradient itself is scaled in place by rescale_grad.
    """

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super(AdaDelta, self).__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context),   # accumulated g
                zeros(weight.shape, weight.context))   # accumulated delta

    def update(self, index, weight, grad, state):
        _, wd = self._step(index, weight, grad)
        grad *= self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        acc_g, acc_delta = state
        acc_g[:] *= self.rho
        acc_g[:] += (1. - self.rho) * grad * grad
        current_delta = sqrt(acc_delta + self.epsilon) / sqrt(acc_g + self.epsilon) * grad
        acc_delta[:] *= self.rho
        acc_delta[:] += (1. - self.rho) * current_delta * current_delta
        weight[:] -= current_delta + wd * weight


@register
class Ftrl(Optimizer):
    """FTRL-proximal (McMahan et al., 2013)::

        rescaled_grad = clip(grad * rescale_grad, clip_gradient)
        z += rescaled_grad - (sqrt(n + rescaled_grad**2) - sqrt(n)) * weight / learning_rate
        n += rescaled_grad**2
        w = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / learning_rate + wd) * (abs(z) > lamda1)

    (mx.nd.ftrl_update)
    """

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super(Ftrl, self).__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context),   # z
                zeros(weight.shape, weight.context))   # n

    def update(self, index, weight, grad, state):
        lr, wd = self._step(index, weight, grad)
        kwargs = self._clip_kwargs({'lamda1': self.lamda1, 'beta': self.beta,
                                    'rescale_grad': self.rescale_grad})
        z, n = state
        ftrl_update(weight, grad, z, n, out=weight, lr=lr, wd=wd, **kwargs)


@register
class FTML(Optimizer):
    """FTML, Follow the Moving Leader (Zheng and Kwok, 2017)::

        rescaled_grad = clip(grad * rescale_grad + wd * weight, clip_gradient)
        v = beta2 * v + (1 - beta2) * square(rescaled_grad)
        d_t = (1 - power(beta1, t)) / lr * (square_root(v / (1 - power(beta2, t))) + epsilon)
        z = beta1 * z + (1 - beta1) * rescaled_grad - (d_t - beta1 * d_(t-1)) * weight
        weight = - z / d_t

    (mx.nd.ftml_update)
    """

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super(FTML, self).__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),   # d_0
                zeros(weight.shape, weight.context, dtype=weight.dtype),   # v_0
                zeros(weight.shape, weight.context, dtype=weight.dtype))   # z_0

    def update(self, index, weight, grad, state):
        lr, wd = self._step(index, weight, grad)
        t = self._index_update_count[index]
        kwargs = self._clip_kwargs({'beta1': self.beta1, 'beta2': self.beta2,
                                    'epsilon': self.epsilon, 'rescale_grad': self.rescale_grad,
                                    't': t}, name='clip_grad')
        prev_d, prev_v, prev_z = state
        ftml_update(weight, grad, prev_d, prev_v, prev_z, out=weight, lr=lr, wd=wd, **kwargs)


@register
class LAMB(Optimizer):
    """LAMB (You et al., 2019): Adam's direction plus weight decay, scaled per
    layer by the trust ratio ||weight|| / ||direction|| (clipped to
    [lower_bound, upper_bound] when given): mx.nd.lamb_update_phase1, then
    lamb_update_phase2 with the two norms.

    With multi_precision and float16 weights, phase 1 is
    mp_lamb_update_phase1 and phase 2 updates the float32 master weight,
    which is then cast to the weight -- what MXNet's KVStore path
    (multi_mp_lamb_update) does. (MXNet's single-weight mp_lamb_update_phase2
    never writes the master weight back; mxc does not follow it there.)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6,
                 lower_bound=None, upper_bound=None, bias_correction=True, **kwargs):
        super(LAMB, self).__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        if isinstance(index, (tuple, list)):
            for i, w, g, s in zip(index, weight, grad, state):
                self._update_impl(i, w, g, s, multi_precision)
            return
        lr, wd = self._step(index, weight, grad)
        kwargs = self._clip_kwargs({'beta1': self.beta1, 'beta2': self.beta2,
                                    'epsilon': self.epsilon,
                                    'bias_correction': self.bias_correction,
                                    'rescale_grad': self.rescale_grad,
                                    't': self._index_update_count[index]})
        bounds = {}
        if self.lower_bound:
            bounds['lower_bound'] = self.lower_bound
        if self.upper_bound:
            bounds['upper_bound'] = self.upper_bound
        if multi_precision:
            weight32 = state[0]
            mean, var = state[1]
            g = mp_lamb_update_phase1(weight, grad, mean, var, weight32, wd=wd, **kwargs)
            r_1, r_2 = norm(weight32), norm(g)
            lamb_update_phase2(weight32, g, r_1, r_2, lr=lr, out=weight32, **bounds)
            cast(weight32, dtype=weight.dtype, out=weight)
        else:
            mean, var = state
            g = lamb_update_phase1(weight, grad, mean, var, wd=wd, **kwargs)
            r_1, r_2 = norm(weight), norm(g)
            lamb_update_phase2(weight, g, r_1, r_2, lr=lr, out=weight, **bounds)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state,
                          multi_precision=self._use_multi_precision(index, weight))


@register
class Test(Optimizer):
    """The test optimizer: weight += rescale_grad * grad; its state copies the weight."""

    def create_state(self, index, weight):
        return zeros(weight.shape, weight.context)

    def update(self, index, weight, grad, state):
        weight[:] += grad * self.rescale_grad
        state[:] = weight
