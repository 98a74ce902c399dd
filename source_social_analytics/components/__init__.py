"""Custom declarative components shared by every provider, one module per job (see each module's docstring)."""
