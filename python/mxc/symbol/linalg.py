"""linalg.py - Linear algebra operators (_linalg_*), generated at import by register.py."""
__all__ = []
