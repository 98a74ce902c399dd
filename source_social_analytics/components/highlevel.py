"""HighLevel (LeadConnector) Social Planner: everything HighLevel-specific in one place (seed 000, api-notes §2)."""
from __future__ import annotations

from typing import List, Literal, Optional

from ..config import IdList, Provider, ProviderConfig, Secret

PLATFORMS = ("facebook", "instagram", "linkedin", "google", "pinterest", "youtube", "tiktok")


class HighLevelConfig(ProviderConfig):
    provider_type: Literal["highlevel"]
    access_token: Secret
    location_id: Secret
    profile_ids: IdList = None
    platforms: Optional[List[Literal[PLATFORMS]]] = None  # type: ignore[valid-type]
    api_version: Literal["2021-07-28", "v3"] = "2021-07-28"


PROVIDER = Provider(name="highlevel", config_model=HighLevelConfig, check_stream=None)
