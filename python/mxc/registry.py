"""registry.py - name registries for serializable objects (metrics,
initializers), as MXNet 1.x's ``mxnet.registry``.

A registry maps lower-cased names to subclasses of one base class. Its
create function accepts an instance (returned as is), a name with
constructor arguments, a config dict (``{'metric': 'acc', ...}``), or the
JSON forms ``'["name", {kwargs}]'`` and ``'{"name": ..., ...}'`` that
``Initializer.dumps()`` and symbol ``__init__`` attributes use.
"""
import json
import warnings

__all__ = ["get_registry", "get_register_func", "get_alias_func", "get_create_func"]

_REGISTRY = {}


def get_registry(base_class):
    """A copy of the {name: class} registry of `base_class`."""
    return dict(_REGISTRY.setdefault(base_class, {}))


def get_register_func(base_class, nickname):
    """A decorator ``register(klass, name=None)`` adding subclasses of
    `base_class` under ``name or klass.__name__``, lower-cased."""
    registry = _REGISTRY.setdefault(base_class, {})

    def register(klass, name=None):
        if not (isinstance(klass, type) and issubclass(klass, base_class)):
            raise TypeError("Can only register subclass of %s" % base_class.__name__)
        name = (name or klass.__name__).lower()
        if name in registry:
            warnings.warn("New %s %s.%s registered with name %s is overriding existing "
                          "%s %s.%s" % (nickname, klass.__module__, klass.__name__, name,
                                        nickname, registry[name].__module__,
                                        registry[name].__name__), UserWarning, stacklevel=2)
        registry[name] = klass
        return klass

    register.__doc__ = "Register %s to the %s factory" % (nickname, nickname)
    return register


def get_alias_func(base_class, nickname):
    """A decorator factory ``alias(*names)`` registering a class under more
    names."""
    register = get_register_func(base_class, nickname)

    def alias(*aliases):
        def reg(klass):
            for name in aliases:
                register(klass, name)
            return klass
        return reg
    return alias


def get_create_func(base_class, nickname):
    """``create(name_or_instance_or_config, *args, **kwargs)`` for the
    registry of `base_class`."""
    registry = _REGISTRY.setdefault(base_class, {})

    def create(*args, **kwargs):
        if args:
            name, args = args[0], args[1:]
        else:
            if nickname not in kwargs:
                raise TypeError("create() needs the %s to create" % nickname)
            name = kwargs.pop(nickname)
        if isinstance(name, base_class):
            if args or kwargs:
                raise ValueError("%s is already an instance. Additional arguments are invalid"
                                 % nickname)
            return name
        if isinstance(name, dict):
            return create(**name)
        if not isinstance(name, str):
            raise TypeError("%s must be of string type, got %s" % (nickname, type(name).__name__))
        if name.startswith('['):
            if args or kwargs:
                raise ValueError("a JSON %s takes no further arguments" % nickname)
            name, kwargs = json.loads(name)
            return create(name, **kwargs)
        if name.startswith('{'):
            if args or kwargs:
                raise ValueError("a JSON %s takes no further arguments" % nickname)
            return create(**json.loads(name))
        name = name.lower()
        if name not in registry:
            raise ValueError("%s is not registered. Please register with %s.register first "
                             "(known: %s)" % (name, nickname, ", ".join(sorted(registry))))
        return registry[name](*args, **kwargs)

    create.__doc__ = ("Create a %s instance from config: a registered name (with constructor "
                      "arguments), an instance, a config dict or its JSON." % nickname)
    return create
