"""mx.kv: the key-value store that sums values pushed from several devices,
applies an updater (an optimizer) and broadcasts pulls, as MXNet 1.x's
mx.kvstore."""
from .base import KVStoreBase, create
from .kvstore import KVStore

__all__ = ['KVStoreBase', 'KVStore', 'create']
