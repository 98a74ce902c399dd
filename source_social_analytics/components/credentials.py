"""The vendor's static key on every request, until the vendor rejects it: then no further request is signed.

Every partition of every stream (profiles, accounts, date windows) would otherwise send its own request with the
same wrong key, get the same 401 and log it at ERROR with the request and the answer: for Ayrshare with two profile
keys 21 requests and 11 ERROR lines (41 KB) to say one thing.

``VendorKeyAuthenticator`` (a ``CustomAuthenticator`` in the manifest) renders the key once, when it is built, and
sees every answer (the CDK's ``ResponseAwareAuthenticator`` hook, ``update_from_response``). On a 401 to a request
it signed, it renders its ``rejection_filter`` (the manifest's shared ``auth_failed_401`` filter, so the message is
word for word the error handler's) and remembers that this key was refused. From then on it refuses to sign: the
request is not sent, and the stream fails with that same config_error, which read_guards says once. Requests
already in flight at that moment (at most ``num_workers``) still answer 401.

The memory is per key (a digest, never the key), shared by the authenticators of every stream of the command: the
streams each build their own. ``RejectedCredentials.forget_all()`` starts each command with a clean slate
(SourceSocialAnalytics.check/read), since in-process callers run several commands.

In:  ``api_token: "{{ config['provider']['api_key'] }}"``, ``header: Authorization``, ``scheme: Bearer``
Out: ``Authorization: Bearer <key>`` on every request; after a 401, ``AirbyteTracedException(config_error,
     "Ayrshare rejected the credentials (HTTP 401: ...). Check provider.api_key: ...")`` instead of a header.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import InitVar, dataclass
from typing import Any, Dict, Mapping, Optional

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter import HttpResponseFilter
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .rate_budget import PacedAuthenticator, RateBudget


def _digest(credential: str) -> str:
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()


class RejectedCredentials:
    """The credentials a vendor refused during this command, by digest, with the message that says so."""

    _lock = threading.Lock()
    _messages: Dict[str, str] = {}

    @classmethod
    def remember(cls, credential: str, message: str) -> None:
        with cls._lock:
            cls._messages.setdefault(_digest(credential), message)  # the first refusal's words are kept

    @classmethod
    def message_for(cls, credential: str) -> Optional[str]:
        return cls._messages.get(_digest(credential))

    @classmethod
    def any(cls) -> bool:
        return bool(cls._messages)

    @classmethod
    def forget_all(cls) -> None:
        with cls._lock:
            cls._messages.clear()


@dataclass
class VendorKeyAuthenticator(PacedAuthenticator, DeclarativeAuthenticator):
    """A static key in one header (``<scheme> <key>``, or the bare key when ``scheme`` is empty) that stops
    signing once the vendor answered 401 to it (module docstring)."""

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    api_token: str = ""
    header: str = "Authorization"
    scheme: str = "Bearer"
    rejection_filter: Optional[HttpResponseFilter] = None
    # the vendor's rate limit per its unit (components/rate_budget.py): every request waits for its unit's window
    rate_limit: Optional[Mapping[str, Any]] = None
    # what, besides the key, makes a rate unit (HighLevel: the location; a token's limit is per app per location)
    rate_unit: str = ""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        key = InterpolatedString.create(self.api_token, parameters=parameters).eval(self.config)
        self._key = str(key or "")
        self._header_value = f"{self.scheme} {self._key}" if self.scheme else self._key
        unit = str(InterpolatedString.create(self.rate_unit, parameters=parameters).eval(self.config) or "") if self.rate_unit else ""
        self._budget = RateBudget.from_manifest(
            self.rate_limit, str((parameters or {}).get("vendor_name") or "The vendor"), f"{self._key}\n{unit}", self.config
        )

    @property
    def auth_header(self) -> str:
        return self.header

    @property
    def token(self) -> str:
        refusal = RejectedCredentials.message_for(self._key)
        if refusal is not None:
            raise AirbyteTracedException(message=refusal, internal_message=refusal, failure_type=FailureType.config_error)
        return self._header_value

    def update_from_response(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        """The CDK's ResponseAwareAuthenticator hook: called with every answer (never raises)."""
        super().update_from_response(request, response)  # the rate budget
        if response.status_code != 401 or request.headers.get(self.header) != self._header_value:
            return
        resolution = self.rejection_filter.matches(response) if self.rejection_filter is not None else None
        if resolution is not None and resolution.response_action != ResponseAction.FAIL:
            return  # a 401 the manifest retries (or refreshes on) does not end the key's use
        message = (resolution.error_message if resolution is not None else None) or "The vendor rejected the credentials (HTTP 401)."
        RejectedCredentials.remember(self._key, message)
