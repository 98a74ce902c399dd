"""Error handling shared by every provider: the body check on successful answers, and vendor messages."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, List, Optional, Union
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.interpolation.interpolated_boolean import InterpolatedBoolean
from airbyte_cdk.sources.declarative.requesters.error_handlers.default_error_handler import DefaultErrorHandler
from airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter import HttpResponseFilter
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction

from .credentials import RejectedCredentials
from .rate_budget import RateUnits
from .extractors import json_body

logger = logging.getLogger("airbyte")

# A response filter with `action: IGNORE` whose error_message starts with this word is a skip the user must
# see: VendorErrorHandler logs it at WARN; the CDK's own INFO line of it is dropped (log_filters.SkipsAsWarnings).
SKIP_PREFIX = "Skipping "

# 4xx answers worth retrying: a request timeout and a rate limit. Any other 4xx fails at once (VendorErrorHandler).
RETRIED_4XX = (408, 429)

EXPECTED_BODIES = {
    "object": (dict,),
    "array": (list,),
    "object_or_array": (dict, list),
}


def endpoint(response: requests.Response) -> str:
    """``POST /api/analytics/post``: method and path, never the query (it can carry ids) nor headers."""
    request = response.request
    method = request.method if request is not None else "GET"
    return f"{method} {urlsplit(response.url or (request.url if request is not None else '')).path}"


def vendor_message(body: Any) -> str:
    """The vendor's own words from an error body: ``message`` (string or list), ``error`` or ``detail``."""
    if isinstance(body, dict):
        for key in ("message", "error", "detail"):
            value = body.get(key)
            if isinstance(value, list):
                value = "; ".join(str(item) for item in value)
            if value:
                return str(value)
    return "no message"


def json_or_none(response: requests.Response) -> Any:
    try:
        return json_body(response)
    except ValueError:
        return None


def body_problem(response: requests.Response, expected: str) -> Optional[str]:
    """Why a successful answer cannot be used, or None. Never quotes the body (it may be large)."""
    try:
        body = json_body(response)
    except ValueError:
        return "a body that is not JSON (cut off, or an HTML page)"
    allowed = EXPECTED_BODIES[expected]
    if not isinstance(body, allowed):
        wanted = " or ".join("a JSON object" if kind is dict else "a JSON array" for kind in allowed)
        return f"{type(body).__name__ if body is not None else 'null'} where {wanted} belongs"
    return None


def _resolution(action: ResponseAction, failure_type: FailureType, message: str) -> ErrorResolution:
    return ErrorResolution(response_action=action, failure_type=failure_type, error_message=message)


@dataclass
class VendorErrorHandler(DefaultErrorHandler):
    """A DefaultErrorHandler that also refuses a successful answer it cannot use.

    An HTTP 2xx whose body is not JSON (truncated, an HTML page from a proxy) or is not the expected
    container (``expected_body``: object, array or object_or_array) is retried like a 5xx. If it persists,
    the retries run out and the stream fails with a message naming the endpoint, so the window is never
    marked as read: no record is dropped silently and the state does not move past it.

    In:  HTTP 200, body ``{"history": [`` (cut) on ``GET /api/history``
    Out: ``ErrorResolution(RETRY, transient_error, "Ayrshare answered GET /api/history with HTTP 200 but a
         body that is not JSON ...")``; any other answer is resolved exactly like DefaultErrorHandler does.
    """

    expected_body: str = "object"
    # a stream's own filters (a skip, a split), checked before the shared ones its handler $refs: the manifest
    # lists the shared four once (definitions.shared.error_handler) instead of in every stream
    extra_response_filters: Optional[List[HttpResponseFilter]] = None
    # a config condition: when it holds (an OAuth config), a 401 refreshes the access token once and retries
    # (the CDK's REFRESH_TOKEN_THEN_RETRY) before the shared 401 filter would fail the stream
    refresh_on_401: Optional[str] = None

    def interpret_response(self, response_or_exception: Optional[Union[requests.Response, Exception]] = None) -> ErrorResolution:
        if self._refreshes_on_401 and isinstance(response_or_exception, requests.Response) and response_or_exception.status_code == 401:
            return _resolution(
                ResponseAction.REFRESH_TOKEN_THEN_RETRY,
                FailureType.config_error,
                f"{self._vendor_name} rejected the OAuth access token (HTTP 401: {vendor_message(json_or_none(response_or_exception))}): "
                "refreshed once and retried.",
            )
        resolution = _BREAKER.observe(self, response_or_exception, super().interpret_response(response_or_exception))
        if resolution.response_action == ResponseAction.IGNORE and (resolution.error_message or "").startswith(SKIP_PREFIX):
            # said here, at WARN, whatever the CDK's loggers' levels; the CDK's own INFO line of it is dropped
            # (log_filters.SkipsAsWarnings)
            logger.warning(resolution.error_message)
        unresolved = _typo_host(response_or_exception, self.config)
        if unresolved:
            return _resolution(
                ResponseAction.FAIL,
                FailureType.config_error,
                f"The host {unresolved!r} of provider.base_url cannot be resolved (DNS): probably a typo. Fix "
                f"provider.base_url, or leave it empty for {self._vendor_name}'s own API. Not retried.",
            )
        if (
            resolution.response_action in (ResponseAction.RETRY, ResponseAction.RATE_LIMITED)
            and isinstance(response_or_exception, requests.Response)
            and 400 <= response_or_exception.status_code < 500
            and response_or_exception.status_code not in RETRIED_4XX
        ):
            return self._client_error(response_or_exception)
        if (
            resolution.response_action == ResponseAction.SUCCESS
            and isinstance(response_or_exception, requests.Response)
            and response_or_exception.ok
        ):
            problem = body_problem(response_or_exception, self.expected_body)
            if problem:
                return _resolution(
                    ResponseAction.RETRY,
                    FailureType.transient_error,
                    f"{self._vendor_name} answered {endpoint(response_or_exception)} with HTTP {response_or_exception.status_code} "
                    f"but {problem}; retried. If it persists the stream stops here and the next sync reads this window again.",
                )
        return resolution

    def _client_error(self, response: requests.Response) -> ErrorResolution:
        """A 4xx the request itself caused: the same request would fail again, so it is not retried."""
        code = response.status_code
        if code == 431:
            text = (
                f"{self._vendor_name} refused {endpoint(response)} with HTTP 431 (request headers too large): a key or "
                "id in the config is far too long. Paste the key again (only the key) and sync again."
            )
            failure = FailureType.config_error
        else:
            text = f"{self._vendor_name} refused {endpoint(response)} with HTTP {code}: {vendor_message(json_or_none(response))}. Not retried."
            failure = FailureType.system_error
        return _resolution(ResponseAction.FAIL, failure, text)

    def __post_init__(self, parameters: Any) -> None:
        if self.extra_response_filters:
            self.response_filters = [*self.extra_response_filters, *(self.response_filters or [])]
        super().__post_init__(parameters)
        self._vendor_name = str((parameters or {}).get("vendor_name") or "The vendor")
        self._refreshes_on_401 = bool(
            self.refresh_on_401 and InterpolatedBoolean(condition=self.refresh_on_401, parameters=parameters or {}).eval(self.config)
        )


def names_a_dns_failure(text: str) -> bool:
    """Whether an exception's text says a host name could not be resolved (urllib3, Linux, macOS, Windows)."""
    return any(sign in text for sign in ("NameResolutionError", "Name or service not known", "nodename nor servname", "getaddrinfo failed"))


def unresolved_host(exception: Any) -> Optional[str]:
    """The host name a failed connection could not resolve (DNS), or None for any other failure."""
    if not isinstance(exception, requests.exceptions.ConnectionError) or not names_a_dns_failure(repr(exception.args)):
        return None
    request = getattr(exception, "request", None)
    return urlsplit(getattr(request, "url", None) or "").hostname or "?"


def _typo_host(response_or_exception: Any, config: Any) -> Optional[str]:
    """An unresolvable host that is not one of the provider's own API hosts (config.Provider.hosts): a typo in
    provider.base_url, which no retry fixes (it cost ~5 minutes of backoff before failing, in check too). The
    vendor's own host not resolving is the network's trouble and is retried like a dropped connection."""
    host = unresolved_host(response_or_exception)
    if host is None:
        return None
    from ..providers import PROVIDERS

    provider = PROVIDERS.get(str(((config or {}).get("provider") or {}).get("provider_type")))
    return None if provider is not None and host in provider.hosts else host


BREAKER_PREFIX = "Stopped calling "
BREAKER_POSTS = 3  # failed items in a row (each with every retry used) before an endpoint is given up


def endpoint_template(response_or_exception: Any) -> Optional[str]:
    """``GET /mosaic/social/post/{id}/analytics``: the endpoint with its id segments replaced, or None."""
    request = getattr(response_or_exception, "request", None)
    if request is None or not getattr(request, "url", None):
        return None
    segments = [("{id}" if any(ch.isdigit() for ch in part) and len(part) > 3 else part) for part in urlsplit(request.url).path.split("/")]
    return f"{request.method} {'/'.join(segments)}"


class _EndpointBreaker:
    """Bounds the total wait of a persistent failure on a per-item endpoint (one request per post).

    Each post would otherwise use its 6 attempts and ~316 s of backoff before the next one does the same:
    hours for an account with hundreds of posts. After ``BREAKER_POSTS`` posts in a row have used every
    attempt (no success on that endpoint in between), every further answer on the endpoint fails at once,
    with one message (read_guards says it once) and failure type transient_error: the next sync retries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict = {}

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()

    def observe(self, handler: "VendorErrorHandler", response_or_exception: Any, resolution: ErrorResolution) -> ErrorResolution:
        key = endpoint_template(response_or_exception)
        if key is None:
            return resolution
        limit = BREAKER_POSTS * (int(handler.max_retries or 0) + 1)
        with self._lock:
            if resolution.response_action in (ResponseAction.SUCCESS, ResponseAction.IGNORE):
                self._failures.pop(key, None)
                return resolution
            if resolution.response_action != ResponseAction.RETRY:
                return resolution  # a FAIL is final, and a 429 (RATE_LIMITED) is pacing, not a failure of the endpoint
            count = self._failures[key] = self._failures.get(key, 0) + 1
        if count <= limit:
            return resolution
        return _resolution(
            ResponseAction.FAIL,
            FailureType.transient_error,
            f"{BREAKER_PREFIX}{handler._vendor_name} {key}: it failed {limit} times in a row ({BREAKER_POSTS} items, each "
            f"with every retry), last: {resolution.error_message or 'no answer'}. The stream stops here instead of trying "
            "every item; the next sync reads from the saved state.",
        )


_BREAKER = _EndpointBreaker()


def reset_for_a_new_command() -> None:
    """A check or a sync starts with every endpoint trusted again, the credentials not yet refused and the rate units'
    windows empty, as in the process of its own Airbyte runs it in (all three are process-wide: in-process callers run
    several commands; the vendor's own count still reaches a new command through its rate-limit headers)."""
    _BREAKER.reset()
    RejectedCredentials.forget_all()
    RateUnits.forget_all()


def unknown_ids_error(field: str, unknown, vendor_says: str, fix: str) -> Exception:
    """The config_error for ids in ``field`` that the vendor does not know; raise what it returns.

    Out: "`provider.platform_ids` lists linkedin-X, which PostPost does not know (<vendor_says>). <fix>"
    """
    from airbyte_cdk.utils.traced_exception import AirbyteTracedException

    message = f"`{field}` lists {', '.join(unknown)}, {vendor_says}. {fix}"
    return AirbyteTracedException(message=message, internal_message=message, failure_type=FailureType.config_error)


RETRY_LOG_PREFIX = "UserDefinedBackoffException: Rate limit exceeded"


def retry_reason(exc: BaseException) -> str:
    """What really happened to a request that is being retried, in words a user can act on."""
    response = getattr(exc, "response", None)
    request = getattr(exc, "request", None)
    where = f"{request.method} {urlsplit(request.url or '').path}" if request is not None else "a request"
    if isinstance(response, requests.Response):
        code = response.status_code
        if code == 429:
            return f"Rate limited (HTTP 429) on {where}"
        kind = "server error" if code >= 500 else "an answer it could not use" if code < 300 else "client error"
        return f"HTTP {code} ({kind}) on {where}"
    cause = exc.__context__ or (response if isinstance(response, BaseException) else None)
    text = f"{type(cause).__name__}: {cause}" if cause is not None else str(exc)
    if names_a_dns_failure(text):
        return f"No answer on {where}: the host name could not be resolved (check provider.base_url and the network's DNS)"
    if "Timeout" in text:
        return f"No answer on {where}: timed out"
    if cause is None and ("Connection" in text or "RemoteDisconnected" in text):
        return f"No answer on {where}: the connection was dropped"
    return f"No answer on {where}: the connection failed ({type(cause).__name__ if cause is not None else text.split(':', 1)[0][:80]})"
