"""initializer.py - weight initializers (mx.init / mx.initializer), as
MXNet 1.x's ``mxnet.initializer``.

An initializer is called with an InitDesc (the parameter's name and its
symbol attributes) and the NDArray to fill. The pattern is chosen as in
MXNet: an ``__init__`` attribute on the variable (set by
``mx.sym.Variable(init=...)``, or by operators such as BatchNorm on its
moving_mean/moving_var: ``["zero", {}]`` / ``["one", {}]``) wins;
otherwise the name's suffix decides: ``weight`` -> the initializer's own
rule, ``bias``/``beta``/``min`` -> 0, ``gamma``/``max`` -> 1, and
moving_mean/moving_avg/moving_inv_var -> 0, moving_var -> 1 (MXNet's
legacy rules; MXNet itself needs the ``__init__`` attribute there). Random
initializers draw from mx.random (mx.random.seed makes them repeatable)
straight into the array.
``dumps()`` gives the JSON ``["name", {kwargs}]`` that ``create`` and
``__init__`` attributes read back.
"""
import json
import logging
import re
import warnings
from math import sqrt

import numpy as np

from .base import string_types
from . import ndarray
from . import random
from . import registry
from .ndarray import NDArray

__all__ = ["InitDesc", "Initializer", "register", "alias", "create", "Load", "Mixed", "Zero",
           "One", "Constant", "Uniform", "Normal", "Orthogonal", "Xavier", "MSRAPrelu",
           "Bilinear", "LSTMBias"]


class InitDesc(str):
    """A parameter's name (it is a str) with its symbol attributes
    (``attrs``) and the global initializer to fall back to."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super(InitDesc, cls).__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


# (suffix, method) in MXNet's order of tests for an InitDesc (then the
# moving statistics, which MXNet leaves to the __init__ attribute BatchNorm
# sets: a symbol without it still initializes), and the legacy order for a
# plain str name.
_BY_SUFFIX = (('weight', '_init_weight'), ('bias', '_init_bias'), ('gamma', '_init_gamma'),
              ('beta', '_init_beta'), ('min', '_init_zero'), ('max', '_init_one'),
              ('moving_mean', '_init_zero'), ('moving_var', '_init_one'),
              ('moving_inv_var', '_init_zero'), ('moving_avg', '_init_zero'))
_LEGACY = (('bias', '_init_bias'), ('gamma', '_init_gamma'), ('beta', '_init_beta'),
           ('weight', '_init_weight'), ('moving_mean', '_init_zero'),
           ('moving_var', '_init_one'), ('moving_inv_var', '_init_zero'),
           ('moving_avg', '_init_zero'), ('min', '_init_zero'), ('max', '_init_one'))


class Initializer(object):
    """The base class of initializers."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        """Logs every initialized array with print_func(array) (default:
        its norm / sqrt(size))."""
        self._verbose = verbose
        if print_func is None:
            def asum_stat(x):
                return str((ndarray.norm(x) / sqrt(x.size)).asscalar())
            print_func = asum_stat
        self._print_func = print_func
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            logging.info('Initialized %s as %s: %s', desc, init, self._print_func(arr))

    def dumps(self):
        """The initializer as JSON: ``["name", {kwargs}]``."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc, arr):
        """Fills `arr` for the parameter `desc` (an InitDesc; a plain str
        uses MXNet's deprecated name rules)."""
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get('__init__', "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, method in _BY_SUFFIX:
            if desc.endswith(suffix):
                getattr(self, method)(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name, arr):
        warnings.warn("Calling initializer with init(str, NDArray) has been deprecated. "
                      "please use init(mx.init.InitDesc(...), NDArray) instead.",
                      DeprecationWarning, stacklevel=3)
        if not isinstance(name, string_types):
            raise TypeError('name must be string')
        if not isinstance(arr, NDArray):
            raise TypeError('arr must be NDArray')
        if name.startswith('upsampling'):
            self._init_bilinear(name, arr)
            return
        if name.startswith('stn_loc') and name.endswith('weight'):
            self._init_zero(name, arr)
            return
        if name.startswith('stn_loc') and name.endswith('bias'):
            self._init_loc_bias(name, arr)
            return
        for suffix, method in _LEGACY:
            if name.endswith(suffix):
                getattr(self, method)(name, arr)
                return
        self._init_default(name, arr)

    @staticmethod
    def _init_bilinear(_, arr):
        arr[:] = _bilinear(arr.shape)

    @staticmethod
    def _init_loc_bias(_, arr):
        if arr.shape[0] != 6:
            raise ValueError("stn_loc bias needs 6 values, the array has shape %s"
                             % (arr.shape,))
        arr[:] = np.array([1.0, 0, 0, 0, 1.0, 0])

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_bias(self, _, arr):
        arr[:] = 0.0

    def _init_gamma(self, _, arr):
        arr[:] = 1.0

    def _init_beta(self, _, arr):
        arr[:] = 0.0

    def _init_weight(self, name, arr):
        """The initializer's own rule (subclasses define it)."""
        raise NotImplementedError("Must override it")

    def _init_default(self, name, _):
        raise ValueError(
            'Unknown initialization pattern for %s. Default initialization is now limited to '
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0). Please use '
            'mx.sym.Variable(init=mx.init.*) to set initialization pattern' % name)

    def __eq__(self, other):
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    def __hash__(self):
        return hash(self.dumps())


def _bilinear(shape):
    """The bilinear upsampling kernel of a (.., .., h, w) weight."""
    size = int(np.prod(shape))
    f = np.ceil(shape[3] / 2.)
    c = (2 * f - 1 - f % 2) / (2. * f)
    i = np.arange(size)
    x = i % shape[3]
    y = (i // shape[3]) % shape[2]
    weight = (1 - np.abs(x / f - c)) * (1 - np.abs(y / f - c))
    return weight.astype(np.float32).reshape(shape)


_register = registry.get_register_func(Initializer, 'initializer')
alias = registry.get_alias_func(Initializer, 'initializer')
create = registry.get_create_func(Initializer, 'initializer')


def register(klass):
    """Registers an Initializer subclass under its lower-cased class name,
    so that ``create('name')``, ``Module.init_params('name')`` and
    ``__init__`` attributes find it."""
    return _register(klass)


class Load(object):
    """Initializes from a parameter file or dict (``arg:``/``aux:``
    prefixes dropped); names not found go to `default_init`."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            param = ndarray.load(param)
        if not isinstance(param, dict):
            raise TypeError("Load needs a dict of name -> NDArray (or a file holding one)")
        self.param = {}
        for name, arr in param.items():
            if name.startswith('arg:') or name.startswith('aux:'):
                self.param[name[4:]] = arr
            else:
                self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            if arr.shape != self.param[name].shape:
                raise ValueError("Parameter %s cannot be initialized from loading. Shape "
                                 "mismatch, target %s vs loaded %s"
                                 % (name, arr.shape, self.param[name].shape))
            arr[:] = self.param[name]
            if self.verbose:
                logging.info('Initialized %s by loading', name)
        else:
            if self.default_init is None:
                raise ValueError("Cannot Initialize %s. Not found in loaded param and no "
                                 "default Initializer is provided." % name)
            self.default_init(name, arr)
            if self.verbose:
                logging.info('Initialized %s by default', name)


class Mixed(object):
    """The initializer of the first regular expression matching the name."""

    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise ValueError("Mixed needs one initializer per pattern (%d patterns, %d "
                             "initializers)" % (len(patterns), len(initializers)))
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError('Parameter name %s did not match any pattern. Consider add a ".*" '
                         'pattern at the and with default Initializer.' % name)


@register
@alias("zeros")
class Zero(Initializer):
    """Fills weights with 0."""

    def __init__(self):
        super(Zero, self).__init__()

    def _init_weight(self, _, arr):
        arr[:] = 0


@register
@alias("ones")
class One(Initializer):
    """Fills weights with 1."""

    def __init__(self):
        super(One, self).__init__()

    def _init_weight(self, _, arr):
        arr[:] = 1


@register
class Constant(Initializer):
    """Fills weights with `value` (a scalar or an array of the weight's
    shape)."""

    def __init__(self, value):
        super(Constant, self).__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value

    def dumps(self):
        val = self._kwargs['value']
        if isinstance(val, (np.ndarray, NDArray)):
            self._kwargs['value'] = val.tolist() if isinstance(val, np.ndarray) \
                else val.asnumpy().tolist()
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Weights uniform in [-scale, scale] (scale 0.07)."""

    def __init__(self, scale=0.07):
        super(Uniform, self).__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        random.uniform(-self.scale, self.scale, arr.shape, out=arr)


@register
class Normal(Initializer):
    """Weights from N(0, sigma^2) (sigma 0.01)."""

    def __init__(self, sigma=0.01):
        super(Normal, self).__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        random.normal(0, self.sigma, arr.shape, out=arr)


@register
class Orthogonal(Initializer):
    """An orthogonal matrix (from the SVD of a random one) times `scale`
    (Saxe et al., 2013)."""

    def __init__(self, scale=1.414, rand_type="uniform"):
        super(Orthogonal, self).__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            tmp = random.uniform(-1.0, 1.0, shape=(nout, nin)).asnumpy()
        elif self.rand_type == "normal":
            tmp = random.normal(0.0, 1.0, shape=(nout, nin)).asnumpy()
        else:
            raise ValueError("Orthogonal: rand_type must be 'uniform' or 'normal', got %r"
                             % self.rand_type)
        u, _, v = np.linalg.svd(tmp, full_matrices=False)  # pylint: disable=invalid-name
        res = u if u.shape == tmp.shape else v
        arr[:] = self.scale * res.reshape(arr.shape)


@register
class Xavier(Initializer):
    """Glorot's initialization: uniform in [-c, c] or normal with std c,
    c = sqrt(magnitude / factor), factor the fan in, out or their mean
    (fans count the receptive field of convolution weights)."""

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super(Xavier, self).__init__(rnd_type=rnd_type, factor_type=factor_type,
                                     magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        hw_scale = 1.
        if len(shape) < 2:
            raise ValueError('Xavier initializer cannot be applied to vector {0}. It requires at'
                             ' least 2D.'.format(name))
        if len(shape) > 2:
            hw_scale = np.prod(shape[2:])
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = np.sqrt(self.magnitude / factor)
        if self.rnd_type == "uniform":
            random.uniform(-scale, scale, arr.shape, out=arr)
        elif self.rnd_type == "gaussian":
            random.normal(0, scale, arr.shape, out=arr)
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He et al.'s initialization for (P)ReLU networks: gaussian Xavier with
    magnitude 2 / (1 + slope^2)."""

    def __init__(self, factor_type="avg", slope=0.25):
        magnitude = 2. / (1 + slope ** 2)
        super(MSRAPrelu, self).__init__("gaussian", factor_type, magnitude)
        self._kwargs = {'factor_type': factor_type, 'slope': slope}


@register
class Bilinear(Initializer):
    """The bilinear upsampling kernel (for Deconvolution weights)."""

    def __init__(self):
        super(Bilinear, self).__init__()

    def _init_weight(self, _, arr):
        arr[:] = _bilinear(arr.shape)


@register
class LSTMBias(Initializer):
    """LSTM biases: 0, except `forget_bias` on the forget gate (the second
    quarter)."""

    def __init__(self, forget_bias=1.0):
        super(LSTMBias, self).__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        num_hidden = int(arr.shape[0] / 4)
        bias = np.zeros(arr.shape, dtype=np.float32)
        bias[num_hidden:2 * num_hidden] = self.forget_bias
        arr[:] = bias
