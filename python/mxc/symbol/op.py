"""op.py - Operators of the op table under their MXNet names (mx.sym.op.*), generated at import by register.py."""
__all__ = []
