"""contrib.py - Contributed operators (_contrib_*), generated at import by register.py."""
__all__ = []
