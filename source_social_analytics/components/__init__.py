"""Custom declarative components, one module per job or provider (see each module's docstring)."""
from .. import runtime_guards  # noqa: F401 - also when a generic CDK runner loads these components
