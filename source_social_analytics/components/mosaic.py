"""Mosaic: everything Mosaic-specific in one place (seeds 001, 002, api-notes §3)."""
from __future__ import annotations

from typing import Literal

from ..config import IdList, Provider, ProviderConfig, Secret


class MosaicConfig(ProviderConfig):
    provider_type: Literal["mosaic"]
    api_key: Secret
    social_connection_ids: IdList = None


PROVIDER = Provider(name="mosaic", config_model=MosaicConfig, check_stream=None)
