"""Local emulator of the vendors' APIs (see server.py)."""
from .server import Emulator
from .vendors import default_vendors

__all__ = ["Emulator", "default_vendors"]
