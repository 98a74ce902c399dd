"""Custom declarative components, one module per job (see each module's docstring)."""
