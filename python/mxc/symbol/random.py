"""random.py - mx.sym.random: samplers with MXNet 1.x's signatures, and the
*_like operators (generated at import by register.py).

Scalar parameters give a _random_* node drawing `shape` samples; Symbol
parameters give a _sample_* node drawing `shape` samples per parameter
element (MXNet's symbol/random.py).
"""
from numbers import Number

from ..base import _Null

__all__ = ["uniform", "normal", "randn", "randint", "poisson", "exponential", "gamma",
           "negative_binomial", "generalized_negative_binomial", "multinomial", "shuffle"]


def _helper(name, params, shape, dtype, kwargs):
    from . import _internal  # pylint: disable=import-outside-toplevel
    from .symbol import Symbol  # pylint: disable=import-outside-toplevel
    if isinstance(params[0], Symbol):
        for p in params[1:]:
            if not isinstance(p, Symbol):
                raise TypeError("Distribution parameters must all have the same type, but got "
                                "both %s and %s." % (type(params[0]), type(p)))
        sampler = getattr(_internal, "_sample_" + name, None)
        if sampler is None:
            raise TypeError("Symbol parameters are not supported by %s" % name)
        return sampler(*params, shape=shape, dtype=dtype, **kwargs)
    if isinstance(params[0], Number):
        for p in params[1:]:
            if not isinstance(p, Number):
                raise TypeError("Distribution parameters must all have the same type, but got "
                                "both %s and %s." % (type(params[0]), type(p)))
        return getattr(_internal, "_random_" + name)(*params, shape=shape, dtype=dtype, **kwargs)
    raise ValueError("Distribution parameters must be either Symbol or numbers, but got %s."
                     % type(params[0]))


def uniform(low=0, high=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples from the uniform distribution on [low, high)."""
    return _helper("uniform", [low, high], shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples from the normal distribution N(loc, scale**2)."""
    return _helper("normal", [loc, scale], shape, dtype, kwargs)


def randn(*shape, **kwargs):
    """normal(loc, scale) with the shape given as positional integers."""
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", _Null)
    return normal(loc, scale, shape if shape else _Null, dtype, **kwargs)


def randint(low, high, shape=_Null, dtype=_Null, **kwargs):
    """Samples integers uniformly from [low, high)."""
    return _helper("randint", [low, high], shape, dtype, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples from the Poisson distribution."""
    return _helper("poisson", [lam], shape, dtype, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples from the exponential distribution (rate 1/scale)."""
    return _helper("exponential", [1.0 / scale], shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples from the gamma distribution."""
    return _helper("gamma", [alpha, beta], shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples from the negative binomial distribution."""
    return _helper("negative_binomial", [k, p], shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples from the generalized negative binomial distribution."""
    return _helper("generalized_negative_binomial", [mu, alpha], shape, dtype, kwargs)


def multinomial(data, shape=_Null, get_prob=True, dtype="int32", **kwargs):
    """Samples from multinomial distributions given by the rows of data."""
    from . import _internal  # pylint: disable=import-outside-toplevel
    return _internal._sample_multinomial(data, shape, get_prob, dtype=dtype, **kwargs)


def shuffle(data, **kwargs):
    """Shuffles the elements along the first axis."""
    from . import _internal  # pylint: disable=import-outside-toplevel
    return _internal._shuffle(data, **kwargs)
