"""random.py - mx.nd.random: samplers with MXNet 1.x's signatures.

Scalar parameters draw `shape` samples with the _random_* ops; NDArray
parameters draw `shape` samples per parameter element with the _sample_*
ops. Draws come from the device's generator in push order, so
mx.random.seed(n) followed by the same calls gives the same numbers.
"""
from ..base import _Null, numeric_types
from ..context import current_context
from . import _internal

__all__ = ["uniform", "normal", "randn", "randint", "poisson", "exponential", "gamma",
           "negative_binomial", "generalized_negative_binomial", "multinomial", "shuffle"]


def _helper(random, sampler, params, shape, dtype, ctx, out, kwargs):
    from .ndarray import NDArray
    if isinstance(params[0], NDArray):
        for p in params[1:]:
            if not isinstance(p, NDArray):
                raise TypeError("Distribution parameters must all have the same type, but got "
                                "both %s and %s." % (type(params[0]), type(p)))
        if sampler is None:
            raise TypeError("NDArray parameters are not supported by this distribution")
        return sampler(*params, shape=shape, dtype=dtype, out=out, **kwargs)
    if isinstance(params[0], numeric_types):
        if ctx is None:
            ctx = current_context()
        if shape is _Null and out is None:
            shape = 1
        for p in params[1:]:
            if not isinstance(p, numeric_types):
                raise TypeError("Distribution parameters must all have the same type, but got "
                                "both %s and %s." % (type(params[0]), type(p)))
        return random(*params, shape=shape, dtype=dtype, ctx=ctx, out=out, **kwargs)
    raise ValueError("Distribution parameters must be either NDArray or numbers, but got %s."
                     % type(params[0]))


def uniform(low=0, high=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the uniform distribution on [low, high)."""
    return _helper(_internal._random_uniform, _internal._sample_uniform, [low, high], shape,
                   dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the normal distribution N(loc, scale**2)."""
    return _helper(_internal._random_normal, _internal._sample_normal, [loc, scale], shape,
                   dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """normal(loc, scale) with the shape given as positional integers."""
    loc = kwargs.pop('loc', 0)
    scale = kwargs.pop('scale', 1)
    dtype = kwargs.pop('dtype', _Null)
    ctx = kwargs.pop('ctx', None)
    out = kwargs.pop('out', None)
    return normal(loc, scale, shape if shape else _Null, dtype, ctx, out, **kwargs)


def randint(low, high, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples integers uniformly from [low, high)."""
    return _helper(_internal._random_randint, None, [low, high], shape, dtype, ctx, out, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the Poisson distribution."""
    return _helper(_internal._random_poisson, _internal._sample_poisson, [lam], shape, dtype,
                   ctx, out, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the exponential distribution with rate 1/scale."""
    return _helper(_internal._random_exponential, _internal._sample_exponential,
                   [1.0 / scale], shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the gamma distribution."""
    return _helper(_internal._random_gamma, _internal._sample_gamma, [alpha, beta], shape,
                   dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the negative binomial distribution."""
    return _helper(_internal._random_negative_binomial, _internal._sample_negative_binomial,
                   [k, p], shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, ctx=None, out=None,
                                  **kwargs):
    """Samples from the generalized negative binomial distribution."""
    return _helper(_internal._random_generalized_negative_binomial,
                   _internal._sample_generalized_negative_binomial, [mu, alpha], shape, dtype,
                   ctx, out, kwargs)


def multinomial(data, shape=_Null, get_prob=False, out=None, dtype='int32', **kwargs):
    """Samples categories from the multinomial distributions in data's last axis."""
    return _internal._sample_multinomial(data, shape, get_prob, out=out, dtype=dtype, **kwargs)


def shuffle(data, **kwargs):
    """A copy of data randomly permuted along its first axis."""
    return _internal._shuffle(data, **kwargs)
