"""source-social-analytics: social-media analytics from Ayrshare, HighLevel, Mosaic and PostPost.

``SourceSocialAnalytics`` is loaded on first use: importing a component (what a generic CDK runner does with the
manifest's ``class_name``s) loads the components and providers, not the source class, its entry point or its
read guards.
"""
from typing import Any

__all__ = ["SourceSocialAnalytics"]


def __getattr__(name: str) -> Any:
    if name == "SourceSocialAnalytics":
        from .source import SourceSocialAnalytics

        return SourceSocialAnalytics
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
