"""The registry of providers: one line per provider. Each entry (``PROVIDER``) lives in that provider's module,
``source_social_analytics/providers/<name>.py``, beside its config model and components."""
from __future__ import annotations

import importlib
from typing import Dict

from ..config import Provider

PROVIDER_MODULES = (
    "ayrshare",
    "highlevel",
    "mosaic",
    "postpost",
)

PROVIDERS: Dict[str, Provider] = {
    provider.name: provider
    for provider in (importlib.import_module(f"{__package__}.{name}").PROVIDER for name in PROVIDER_MODULES)
}
