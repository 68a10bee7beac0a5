"""random.py - mx.random: seeding the devices' generators, and the samplers
of mx.nd.random under their MXNet 1.x names."""
from . import _mxc
from .context import Context
from .ndarray.random import *  # noqa: F401,F403  pylint: disable=wildcard-import


def seed(seed_state, ctx='all'):
    """Seeds the random generators: every device's (ctx='all') or one
    Context's. The same seed followed by the same calls gives the same
    numbers. The seed applies in push order: ops pushed before it draw from
    the old stream."""
    if not isinstance(seed_state, int):
        raise ValueError('seed_state must be int')
    if ctx == 'all':
        _mxc.random_seed(seed_state, -1, 0)
    elif isinstance(ctx, Context):
        _mxc.random_seed(seed_state, ctx.device_typeid, ctx.device_id)
    else:
        raise ValueError("ctx must be 'all' or a Context, got %r" % (ctx,))
