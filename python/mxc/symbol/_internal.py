"""_internal.py - Internal operators (names starting with '_'), generated at import by register.py."""
__all__ = []
