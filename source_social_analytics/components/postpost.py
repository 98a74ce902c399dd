"""PostPost / Publora: everything PostPost-specific in one place (seed 003, api-notes §4)."""
from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import field_validator

from ..config import IdList, Provider, ProviderConfig, Secret


class PostPostConfig(ProviderConfig):
    provider_type: Literal["postpost"]
    api_key: Secret
    platform_ids: IdList = None

    @field_validator("platform_ids")
    @classmethod
    def _linkedin_only(cls, values: Optional[List[str]]) -> Optional[List[str]]:
        for value in values or []:
            if not value.startswith("linkedin-"):
                raise ValueError(f"every id must be a LinkedIn connection id such as 'linkedin-Tz9W5i6ZYG', got {value!r}")
        return values


PROVIDER = Provider(name="postpost", config_model=PostPostConfig, check_stream=None)
