"""social_analytics_emulator: a local HTTP emulator of the Ayrshare, HighLevel, Mosaic and PostPost analytics APIs.

A second, independent implementation of the vendors, written from their pages and never from the connector:
no module here imports ``source_social_analytics`` (nor the repository's tests or benchmarks), and the package
needs only the standard library. Run it with ``social-analytics-emulator --port 8765`` (or
``python -m social_analytics_emulator``); ``server.py`` says what it serves.

- ``server``: the HTTP server (``Emulator``) and its command line; ``vendors``: the registry of vendor modules
  (``ayrshare``, ``highlevel``, ``mosaic``, ``postpost``, each built on ``base``);
- ``client``: ``EmulatorClient``, the test hooks of a running emulator (request log, faults, settings, answers per
  status);
- ``configs``: a connector config per provider pointing at a running emulator;
- ``request_floor``: the fewest requests a sync of the emulator's data set needs.
"""
from .client import EmulatorClient, most_in_flight, status_counts
from .server import Emulator
from .vendors import default_vendors

__all__ = ["Emulator", "EmulatorClient", "default_vendors", "most_in_flight", "status_counts"]
