"""Connector configs for the bundled emulator, one per provider: the demo sync, the standard test suite
and the benchmarks use them. The keys are the emulator's test keys, never a real vendor's.
Standard library only, like the rest of the package."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any, Dict

from . import ayrshare, highlevel, mosaic, postpost

PROVIDERS = ("ayrshare", "highlevel", "mosaic", "postpost")


# An emulator whose rate windows run faster (``rate_time_scale``) wants the connector's budgets on the same clock: the
# connector's config key ``_rate_time_scale`` (tests and benchmarks only). The test suite sets this variable.
RATE_TIME_SCALE_VARIABLE = "SOCIAL_ANALYTICS_RATE_TIME_SCALE"


def emulator_config(provider: str, emulator_url: str, days: int = 14, **provider_overrides: Any) -> Dict[str, Any]:
    """A config reading the last ``days`` days of ``provider`` from the emulator at ``emulator_url`` (with the
    connector's budgets on the emulator's faster clock when ``SOCIAL_ANALYTICS_RATE_TIME_SCALE`` is set)."""
    providers: Dict[str, Dict[str, Any]] = {
        "ayrshare": {"provider_type": "ayrshare", "api_key": ayrshare.API_KEY, "base_url": f"{emulator_url}/api"},
        "highlevel": {"provider_type": "highlevel", "access_token": highlevel.ACCESS_TOKEN, "location_id": highlevel.LOCATION_ID,
                      "api_version": "v3", "base_url": f"{emulator_url}/highlevel"},
        "mosaic": {"provider_type": "mosaic", "api_key": mosaic.API_KEY, "base_url": f"{emulator_url}/mosaic"},
        "postpost": {"provider_type": "postpost", "api_key": postpost.API_KEY, "base_url": f"{emulator_url}/postpost/api/v1"},
    }
    config: Dict[str, Any] = {
        "provider": {**providers[provider], **provider_overrides},
        "start_date": (datetime.now(timezone.utc).date() - timedelta(days=days)).isoformat(),
        "lookback_window_days": 3,
    }
    if os.environ.get(RATE_TIME_SCALE_VARIABLE):
        config["_rate_time_scale"] = float(os.environ[RATE_TIME_SCALE_VARIABLE])
    return config
