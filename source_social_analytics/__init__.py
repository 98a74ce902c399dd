"""source-social-analytics: social-media analytics from Ayrshare, HighLevel, Mosaic and PostPost."""
from .source import SourceSocialAnalytics

__all__ = ["SourceSocialAnalytics"]
