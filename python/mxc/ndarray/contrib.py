"""contrib.py - Contributed operators (the table's _contrib_* ops), generated at import by register.py."""
__all__ = []
