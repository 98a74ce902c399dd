"""The registry of emulated vendors: one line per vendor module. Each module imports only ``base``."""
from __future__ import annotations

from typing import List

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


def default_vendors(scale: int = 1) -> List[Vendor]:
    """A fresh instance of every vendor; ``scale`` multiplies each data set (benchmarks)."""
    return [cls(scale=scale) for cls in VENDOR_CLASSES]
