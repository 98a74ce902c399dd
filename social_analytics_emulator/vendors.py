"""The registry of emulated vendors: one line per vendor module. Each module imports only ``base``."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .ayrshare import BENCHMARK_POSTS_PER_PROFILE, AyrshareEmulator
from .base import Vendor
from .highlevel import HighLevelEmulator
from .mosaic import MosaicEmulator
from .postpost import PostPostEmulator

VENDOR_CLASSES = [
    AyrshareEmulator,
    HighLevelEmulator,
    MosaicEmulator,
    PostPostEmulator,
]


VENDOR_NAMES = tuple(cls.name for cls in VENDOR_CLASSES)
_UNSET: Any = object()


def default_vendors(
    scale: int = 1,
    now: Optional[datetime] = None,
    *,
    rate_time_scale: Optional[float] = None,
    rate_limits: Optional[Mapping[str, Optional[int]]] = None,
    ayrshare_profiles: int = 0,
    ayrshare_posts_per_profile: int = BENCHMARK_POSTS_PER_PROFILE,
    twitter_analytics_daily_cap: Optional[int] = None,
) -> List[Vendor]:
    """A fresh instance of every vendor; ``scale`` multiplies each data set (benchmarks). All of them share one
    fixed ``now`` (the moment of this call unless given): see ``Vendor``.

    Rate settings (see ``apply_rate_settings``): ``rate_time_scale``, ``rate_limits`` (vendor name -> exact limit per
    the vendor's unit) and Ayrshare's ``twitter_analytics_daily_cap``. ``ayrshare_profiles``/``ayrshare_posts_per_profile``:
    extra Ayrshare benchmark User Profiles and their posts (``ayrshare.benchmark_profile_keys``)."""
    moment = now if now is not None else datetime.now(timezone.utc)
    ayrshare_options = {
        "benchmark_profiles": ayrshare_profiles, "posts_per_benchmark_profile": ayrshare_posts_per_profile,
        "twitter_analytics_daily_cap": twitter_analytics_daily_cap,
    }
    vendors: List[Vendor] = [
        cls(scale=scale, now=moment, **(ayrshare_options if cls is AyrshareEmulator else {})) for cls in VENDOR_CLASSES
    ]
    apply_rate_settings(vendors, rate_time_scale=rate_time_scale, rate_limits=rate_limits)
    return vendors


def apply_rate_settings(
    vendors: Sequence[Vendor],
    rate_time_scale: Optional[float] = None,
    rate_limits: Optional[Mapping[str, Optional[int]]] = None,
    twitter_analytics_daily_cap: Any = _UNSET,
    reset: bool = False,
) -> None:
    """Rate settings for running vendors; each one given resets the rate counters of the vendors it touches.

    - ``rate_time_scale`` (> 0, every vendor): every rate window, and every time the vendors report about them,
      divided by it (``Vendor``). None: unchanged.
    - ``rate_limits``: ``{"ayrshare": 300, "highlevel": 100, "postpost": 120, "mosaic": 120}``, any subset: exactly
      that many requests per User Profile per 5 min (Ayrshare), per token and location per 10 s (HighLevel), per key
      per 60 s (PostPost/Publora, Mosaic), windows scaled. A value None restores the vendor's default.
    - ``twitter_analytics_daily_cap``: Ayrshare's X/Twitter analytics cap per profile per 24 h (None: off).
    - ``reset``: forget every rate counter.

    Everything is checked before anything changes: a bad value raises ValueError and changes nothing."""
    limits: Dict[str, Optional[int]] = {}
    for name, value in (rate_limits or {}).items():
        if name not in VENDOR_NAMES:
            raise ValueError(f"unknown vendor {name!r} in rate_limits (one of {', '.join(VENDOR_NAMES)})")
        if value is not None and (isinstance(value, bool) or int(value) != value or int(value) < 1):
            raise ValueError(f"rate_limits[{name!r}] must be a whole number >= 1 or null, not {value!r}")
        limits[name] = None if value is None else int(value)
    if rate_time_scale is not None and not float(rate_time_scale) > 0:
        raise ValueError(f"rate_time_scale must be > 0, not {rate_time_scale!r}")
    cap = twitter_analytics_daily_cap
    if cap is not _UNSET and cap is not None and (isinstance(cap, bool) or int(cap) != cap or int(cap) < 0):
        raise ValueError(f"twitter_analytics_daily_cap must be a whole number >= 0 or null, not {cap!r}")
    for vendor in vendors:
        if rate_time_scale is not None:
            vendor.set_rate_time_scale(float(rate_time_scale))
        if vendor.name in limits:
            vendor.set_rate_limit(limits[vendor.name])
        if cap is not _UNSET and isinstance(vendor, AyrshareEmulator):
            vendor.set_twitter_analytics_daily_cap(cap)
        if reset:
            vendor.reset_rate_limits()


def parse_rate_limits(text: str) -> Dict[str, Optional[int]]:
    """``"ayrshare=300,postpost=30"`` -> ``{"ayrshare": 300, "postpost": 30}`` (the CLI's ``--rate-limits``); a value
    ``default`` restores the vendor's default."""
    limits: Dict[str, Optional[int]] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"expected vendor=limit, not {part!r}")
        limits[name.strip()] = None if value.strip().lower() == "default" else int(value)
    return limits
