"""linalg.py - Linear algebra operators (the table's _linalg_* ops), generated at import by register.py."""
__all__ = []
