"""attribute.py - attribute scopes for symbol creation (mx.AttrScope).

``with mx.AttrScope(ctx_group='dev1', lr_mult='2'):`` adds these attributes
to every operator and variable created inside (values must be strings);
scopes nest, inner values winning; attributes given at creation win over
the scope's.
"""
import threading

__all__ = ["AttrScope"]


class AttrScope(object):
    """Attributes for every symbol created in the scope (MXNet's AttrScope)."""

    _current = threading.local()

    def __init__(self, **kwargs):
        self._old_scope = None
        for value in kwargs.values():
            if not isinstance(value, str):
                raise ValueError("Attributes need to be string")
        self._attr = kwargs

    def get(self, attr):
        """The scope's attributes updated with `attr` (a new dict)."""
        if self._attr:
            ret = self._attr.copy()
            if attr:
                ret.update(attr)
            return ret
        return dict(attr) if attr else {}

    def __enter__(self):
        self._old_scope = current()
        attr = self._old_scope._attr.copy()
        attr.update(self._attr)
        self._attr = attr
        AttrScope._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        assert self._old_scope
        AttrScope._current.value = self._old_scope


def current():
    """This thread's attribute scope."""
    scope = getattr(AttrScope._current, "value", None)
    if scope is None:
        scope = AttrScope._current.value = AttrScope()
    return scope
