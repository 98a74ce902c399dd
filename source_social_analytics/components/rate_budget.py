"""Client-side rate budgets per the vendor's own unit, paced from the vendor's rate-limit headers.

Each vendor limits requests per *unit*: Ayrshare per User Profile (300 requests / 5 minutes; the primary profile is one
unit, each Profile-Key another), HighLevel per location (100 / 10 s and 200,000 / day), PostPost/Publora and Mosaic per
API key. A ``RateUnit`` keeps one unit under its limit: a moving window of the calls sent, whatever ``num_workers`` is.
Units are shared by every stream of the process (each stream builds its own authenticator) and are never shared
between units: one profile waiting for its window never holds up another profile's requests.

The fixed rates are the floor of caution; the vendor's headers, when it sends them, say more and win:
- an advertised limit (``x-ratelimit-max``, ``X-RateLimit-Max``, ``X-RateLimit-Limit``) replaces the fixed one (Publora's
  Free plan advertises 30 a minute, its Pro plan 120);
- the calls the vendor already counted (``x-ratelimit-count``, or limit − ``X-RateLimit-Remaining``) beyond the ones
  this process sent (another client of the same profile or key) are added to the window;
- ``X-RateLimit-Remaining: 0`` with a reset (``X-RateLimit-Reset`` epoch seconds, ``x-ratelimit-reset`` milliseconds)
  pauses the unit until then, and a 429 pauses it until Retry-After / the body's ``retryAfter`` / the reset, so the
  other workers of that unit do not run into 429s of their own (Ayrshare suspends a profile after ~1,000 a day);
- a daily budget that is used up (HighLevel ``X-RateLimit-Daily-Remaining: 0``) ends the unit's requests for the day
  with a transient error that says so.
The pace is ``PACE_SHARE`` of the vendor's limit: a margin for the time a request spends on the wire.

``requests_per_minute`` (config) lowers the pace for plans whose limit the user knows; it is one more rate of the unit.

The job of an authenticator's: ``VendorKeyAuthenticator`` and ``HighLevelOAuth`` call ``RateBudget.acquire`` with each
request before it is signed and ``RateBudget.observe`` with each answer (the CDK's ``update_from_response`` hook).

In (manifest, on the authenticator)::

    rate_limit:
      rates: [{calls: 300, seconds: 300}]
      unit_header: Profile-Key
      headers: {limit: x-ratelimit-max, used: x-ratelimit-count}

Out: ``acquire`` returns once a call of the request's unit fits its window (sleeping until then); ``observe`` adjusts the
unit from the answer's headers and status.
"""
from __future__ import annotations

import bisect
import hashlib
import importlib
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Dict, List, Mapping, Optional

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .metrics import to_number

PACE_SHARE = 0.95  # of the vendor's limit: requests are counted when sent, the vendor counts them on arrival
DEFAULT_PAUSE_SECONDS = 10.0  # a 429 that names no wait (and no window is known)
MAX_PAUSE_WINDOWS = 3  # the longest pause a header or 429 can impose: three of the unit's windows


@dataclass(frozen=True)
class Rate:
    """At most ``calls`` requests in any ``seconds``."""

    calls: int
    seconds: float


@dataclass
class Reading:
    """What one answer's headers say about its unit (None: not said)."""

    limit: Optional[int] = None
    used: Optional[int] = None
    remaining: Optional[int] = None
    reset_in: Optional[float] = None
    window: Optional[float] = None
    daily_remaining: Optional[int] = None


@dataclass(frozen=True)
class VendorHeaders:
    """The names of a vendor's rate-limit headers (manifest ``rate_limit.headers``); any may be absent."""

    limit: Optional[str] = None  # calls allowed per window
    used: Optional[str] = None  # calls counted in the current window (Ayrshare's x-ratelimit-count)
    remaining: Optional[str] = None  # calls left in the current window
    reset_epoch: Optional[str] = None  # when the window resets, unix seconds (Publora)
    reset_ms: Optional[str] = None  # milliseconds until the window resets (Ayrshare's older revision)
    window_ms: Optional[str] = None  # the window's length in milliseconds (HighLevel)
    daily_remaining: Optional[str] = None  # calls left today (HighLevel)

    def read(self, headers: Mapping[str, str], wall_now: float) -> Reading:
        def number(name: Optional[str]) -> Optional[float]:
            return to_number(headers.get(name)) if name else None

        def whole(name: Optional[str]) -> Optional[int]:
            value = number(name)
            return int(value) if value is not None and math.isfinite(value) else None

        reset_in = None
        epoch = number(self.reset_epoch)
        if epoch is not None and math.isfinite(epoch):
            reset_in = max(epoch - wall_now, 0.0)
        milliseconds = number(self.reset_ms)
        if milliseconds is not None and math.isfinite(milliseconds):
            reset_in = max(milliseconds / 1000.0, 0.0)
        window = number(self.window_ms)
        window = window if window is not None and math.isfinite(window) else None
        return Reading(
            limit=whole(self.limit),
            used=whole(self.used),
            remaining=whole(self.remaining),
            reset_in=reset_in,
            window=window / 1000.0 if window and window > 0 else None,
            daily_remaining=whole(self.daily_remaining),
        )


class RateUnit:
    """One vendor rate unit (a profile, a location, a key): the calls sent in its windows, and pauses."""

    def __init__(self, name: str, rates: List[Rate], clock: Callable[[], float]) -> None:
        self.name = name
        self._clock = clock
        self._lock = threading.Lock()
        self._sent: List[float] = []  # send moments, ascending (the clock is monotonic); those before _start are gone
        self._start = 0
        self._paused_until = 0.0
        self._closed_message: Optional[str] = None
        self._configured = list(rates)
        self._vendor: Optional[Rate] = None  # the vendor's own advertised rate, once its headers said it
        self.sent_total = 0

    # -- configuration --------------------------------------------------------------------------------------------
    def configure(self, rates: List[Rate]) -> None:
        """The fixed rates (the first is the vendor's, as published; any other is the user's requests_per_minute)."""
        with self._lock:
            self._configured = list(rates)

    def rates(self) -> List[Rate]:
        """The rates in force: the vendor's (its header when it sent one, else the published one) at PACE_SHARE, and
        the user's."""
        vendor, *others = self._configured or [Rate(1_000_000, 1.0)]
        advertised = self._vendor or vendor
        paced = Rate(max(1, math.floor(advertised.calls * PACE_SHARE)), advertised.seconds)
        return [paced, *others]

    # -- sending --------------------------------------------------------------------------------------------------
    def reserve(self) -> float:
        """Take a call slot now and return 0, or take nothing and return how long to wait before asking again."""
        with self._lock:
            if self._closed_message is not None:
                raise AirbyteTracedException(message=self._closed_message, internal_message=self._closed_message,
                                             failure_type=FailureType.transient_error)
            now = self._clock()
            if now < self._paused_until:
                return self._paused_until - now
            rates = self.rates()
            self._forget_before(now - max(rate.seconds for rate in rates))
            wait = 0.0
            for rate in rates:
                in_window = len(self._sent) - self._first_within(now, rate.seconds)
                if in_window >= rate.calls:
                    # the call whose leaving frees a slot: the calls-th newest of the window
                    leaving = self._sent[len(self._sent) - rate.calls]
                    wait = max(wait, leaving + rate.seconds - now)
            if wait > 0:
                return wait
            self._sent.append(now)
            self.sent_total += 1
            return 0.0

    def _first_within(self, now: float, seconds: float) -> int:
        """The index of the oldest send less than ``seconds`` old."""
        return bisect.bisect_right(self._sent, now - seconds, lo=self._start)

    def _forget_before(self, moment: float) -> None:
        self._start = bisect.bisect_right(self._sent, moment, lo=self._start)
        if self._start > 4096 and self._start * 2 > len(self._sent):
            del self._sent[: self._start]
            self._start = 0

    def acquire(self, sleep: Callable[[float], None]) -> None:
        while True:
            wait = self.reserve()
            if wait <= 0:
                return
            before, asked = self._clock(), min(wait, 60.0)
            sleep(asked)
            if self._clock() - before < asked / 2:
                # a sleep that did not sleep (time.sleep patched out, as in tests): never spin on the clock
                with self._lock:
                    self._sent.append(self._clock())
                    self.sent_total += 1
                return

    # -- what the vendor said -------------------------------------------------------------------------------------
    def observe(self, reading: Reading, pause: Optional[float] = None, fill: bool = False) -> None:
        """Adjust the unit to an answer: the vendor's advertised rate, calls it counted that we did not send, a window
        it says is used up (``pause``: seconds to stop sending; ``fill``: count the window as full)."""
        with self._lock:
            now = self._clock()
            vendor = self._configured[0] if self._configured else None
            if reading.limit and reading.limit > 0 and vendor is not None:
                self._vendor = Rate(reading.limit, reading.window or vendor.seconds)
            window = (self._vendor or vendor).seconds if (self._vendor or vendor) else None
            limit = reading.limit or ((self._vendor or vendor).calls if (self._vendor or vendor) else None)
            used = reading.used
            if used is None and reading.remaining is not None and limit:
                used = limit - reading.remaining
            if fill and limit:
                used = max(used or 0, limit)
            if used is not None and window:
                ours = len(self._sent) - self._first_within(now, window)
                # counted by the vendor, not sent by us (another client of the unit): they leave the window when the
                # vendor's resets (when it says when), else a window from now
                stamp = min(now, now + reading.reset_in - window) if reading.reset_in is not None else now
                position = bisect.bisect_right(self._sent, stamp, lo=self._start)
                self._sent[position:position] = [stamp] * max(0, min(used, 100_000) - ours)
            if pause is not None and pause > 0:
                # never longer than MAX_PAUSE_WINDOWS windows (a reset in the wrong unit, an endless Retry-After)
                longest = max(rate.seconds for rate in self.rates())
                self._paused_until = max(self._paused_until, now + min(pause, MAX_PAUSE_WINDOWS * longest))
            if reading.daily_remaining is not None and reading.daily_remaining <= 0:
                self._closed_message = (
                    f"{self.name}: the vendor's daily request limit is used up (X-RateLimit-Daily-Remaining: 0); no "
                    "further request is sent today. The next sync after the vendor's day resets (midnight UTC) resumes "
                    "from the saved state."
                )


class RateUnits:
    """Every rate unit of the process, by digest of vendor and unit credential (never the credential itself)."""

    _lock = threading.Lock()
    _units: Dict[str, RateUnit] = {}

    @classmethod
    def unit(cls, vendor: str, credential: str, rates: List[Rate], clock: Callable[[], float]) -> RateUnit:
        digest = hashlib.sha256(f"{vendor}\n{credential}".encode("utf-8")).hexdigest()
        with cls._lock:
            unit = cls._units.get(digest)
            if unit is None:
                unit = cls._units[digest] = RateUnit(vendor, rates, clock)
            else:
                unit.configure(rates)
            return unit

    @classmethod
    def forget_all(cls) -> None:
        """For tests: every unit starts again with an empty window."""
        with cls._lock:
            cls._units.clear()


def _seconds(value: Any) -> Optional[float]:
    number = to_number(value)
    return float(number) if number is not None and number >= 0 else None


def _retry_after(response: requests.Response) -> Optional[float]:
    """The wait a 429 names: Retry-After (seconds or an HTTP date), else the body's ``retryAfter`` (Publora)."""
    header = response.headers.get("Retry-After")
    wait = _seconds(header)
    wait = wait if wait is None or math.isfinite(wait) else None
    if wait is None and header:
        try:
            wait = max((parsedate_to_datetime(header) - datetime.now(timezone.utc)).total_seconds(), 0.0)
        except (TypeError, ValueError):
            wait = None
    if wait is None:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, Mapping):
            wait = _seconds(body.get("retryAfter"))
    return wait


@dataclass
class RateBudget:
    """An authenticator's rate budget: which unit a request belongs to, the unit's rates, the vendor's headers.

    ``vendor``: the vendor's name (messages; unit keys). ``credential``: what identifies the unit besides
    ``unit_header`` (the API key, the location). ``unit_header``: a request header whose value picks the unit (Ayrshare's
    Profile-Key; absent = the primary profile). ``rates``: the vendor's published rate first, then any other.
    ``time_scale``: benchmarks and tests only (config ``_rate_time_scale``, never in the spec), every window of ours
    divided by it, against an emulator whose windows run that much faster. ``spares``: a 429 it recognises is not the unit's own limit (Ayrshare's X/Twitter analytics cap answers 429 while
    the profile's own count is under its max): that one does not pause the unit.
    """

    vendor: str
    credential: str
    rates: List[Rate]
    headers: VendorHeaders = field(default_factory=VendorHeaders)
    unit_header: Optional[str] = None
    time_scale: float = 1.0
    # a 429 this says is not the unit's own limit (Ayrshare's X/Twitter analytics cap): the unit is not paused for it
    spares: Optional[Callable[[requests.Response], bool]] = None
    # looked up when called, not bound here: a test that patches time.sleep patches the budget's waits too
    clock: Callable[[], float] = field(default=lambda: time.monotonic())
    sleep: Callable[[float], None] = field(default=lambda seconds: time.sleep(seconds))
    wall_clock: Callable[[], float] = field(default=lambda: time.time())

    @classmethod
    def from_manifest(cls, spec: Optional[Mapping[str, Any]], vendor: str, credential: str, config: Mapping[str, Any],
                      **clocks: Any) -> Optional["RateBudget"]:
        """From an authenticator's ``rate_limit`` mapping (see the module docstring) and the config's
        ``requests_per_minute``; None when the manifest names no rate. ``clocks``: clock, sleep, wall_clock (tests)."""
        if not spec or not spec.get("rates"):
            return None
        scale = float(to_number(config.get("_rate_time_scale")) or 1.0)
        rates = [Rate(int(rate["calls"]), float(rate["seconds"]) / scale) for rate in spec["rates"]]
        per_minute = to_number(config.get("requests_per_minute"))
        if per_minute and spec.get("published", True):
            rates.append(Rate(int(per_minute), 60.0 / scale))  # below the vendor's limit: one more rate
        elif per_minute:
            # the vendor publishes none: the user's replaces the guess (which stays only as an unreachable first rate)
            rates = [Rate(1_000_000_000, rates[0].seconds), Rate(int(per_minute), 60.0 / scale)]
        names = {key: value for key, value in (spec.get("headers") or {}).items() if value}
        spares = None
        if spec.get("spares"):  # a function's dotted name, like a component's class_name
            module, _, name = str(spec["spares"]).rpartition(".")
            spares = getattr(importlib.import_module(module), name)
        return cls(vendor=vendor, credential=credential, rates=rates, headers=VendorHeaders(**names),
                   unit_header=spec.get("unit_header"), time_scale=scale, spares=spares, **clocks)

    def unit_for(self, request: requests.PreparedRequest) -> RateUnit:
        profile = request.headers.get(self.unit_header) if self.unit_header else None
        label = self.vendor if not self.unit_header else f"{self.vendor} ({'a User Profile' if profile else 'the primary profile'})"
        unit = RateUnits.unit(self.vendor, f"{self.credential}\n{profile or ''}", self.rates, self.clock)
        unit.name = label
        return unit

    def acquire(self, request: requests.PreparedRequest) -> None:
        self.unit_for(request).acquire(self.sleep)

    def observe(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        """Never raises: a header that cannot be read is ignored (the fixed rates stay)."""
        try:
            reading = self.headers.read(response.headers, self.wall_clock())
        except (TypeError, ValueError):
            return
        unit = self.unit_for(request)
        pause: Optional[float] = None
        fill = False
        if response.status_code == 429 and self.is_unit_limit(reading) and not (self.spares and self.spares(response)):
            pause = _retry_after(response)
            if pause is None:
                pause = reading.reset_in if reading.reset_in is not None else reading.window
            if pause is None and reading.used is None and reading.remaining is None:
                pause = DEFAULT_PAUSE_SECONDS / self.time_scale  # a 429 that says nothing: as long as the retry waits
            elif pause is None:
                fill = True  # the vendor's count says the window is used up: it says when a call fits again
            if pause is not None and reading.reset_in is None:
                reading.reset_in = pause  # the calls the vendor counted leave its window then
        elif reading.remaining is not None and reading.remaining <= 0 and reading.reset_in is not None:
            pause = reading.reset_in
        unit.observe(reading, pause=pause, fill=fill)

    @staticmethod
    def is_unit_limit(reading: Reading) -> bool:
        """Whether a 429 is the unit's own limit: not when the vendor's count says the unit still has calls left (a
        per-platform cap such as Ayrshare's X/Twitter analytics limit answers 429 then)."""
        if reading.used is not None and reading.limit:
            return reading.used >= reading.limit
        if reading.remaining is not None:
            return reading.remaining <= 0
        return True


class PacedAuthenticator:
    """What an authenticator does to pace its requests (a mixin before the CDK authenticator class it extends): each
    request waits for room in its rate unit before it is signed, and every answer goes to the budget (the CDK's
    ``update_from_response`` hook). The authenticator sets ``_budget`` (``RateBudget.from_manifest``) when it is built."""

    _budget = None  # Optional[RateBudget]

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        header = self.get_auth_header()  # type: ignore[attr-defined]  # a credential refused raises before any wait
        if self._budget is not None:
            self._budget.acquire(request)
        request.headers.update(header)
        return request

    def update_from_response(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        if self._budget is not None:
            self._budget.observe(request, response)
