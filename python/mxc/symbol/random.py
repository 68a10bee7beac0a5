"""random.py - Random samplers like an input (_random_*_like), generated at import by register.py."""
__all__ = []
