"""The registry of emulated vendors: one line per vendor module. Each module imports only ``base``."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import List, Optional

from .ayrshare import AyrshareEmulator
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


def default_vendors(scale: int = 1, now: Optional[datetime] = None) -> List[Vendor]:
    """A fresh instance of every vendor; ``scale`` multiplies each data set (benchmarks). All of them share one
    fixed ``now`` (the moment of this call unless given): see ``Vendor``."""
    moment = now if now is not None else datetime.now(timezone.utc)
    return [cls(scale=scale, now=moment) for cls in VENDOR_CLASSES]
