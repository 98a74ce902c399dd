"""During a read, a template that reads nothing but the config is rendered once, not once per request.

The manifest's credentials and constants are Jinja templates over the config: ``{{ config['provider']['api_key'] }}``
(rendered twice for every request: the CDK's authenticator builds the header, then the session's auth does it
again), Ayrshare's ``{{ config['provider']['_post_platforms'] or None }}`` in every post_analytics body, and
so on. Each render is a Jinja context, a render and an ``ast.literal_eval``: a tenth of a zero-latency
post_analytics read (``python -m benchmarks.run``), for text that cannot change while the sync runs.

Between ``begin(config)`` and ``end()`` (``SourceSocialAnalytics.read``), a template whose only variable is
``config``, or none (no ``now_utc()`` or other function of the clock, no ``stream_partition``, ``record`` …: any other
name, even a function's, and it is rendered every time as before) and that is rendered with that very config
object is answered from memory, and so is plain text (a body's keys, ``500``), which the CDK also renders
and ``literal_eval``s every time; a list or mapping is copied on the way out. Nothing is remembered outside a
read: config normalization builds the config by mutating it, so there the CDK renders every time.
"""
from __future__ import annotations

import copy
import threading
from functools import lru_cache
from typing import Any, Dict, Hashable, Optional, Tuple

from airbyte_cdk.sources.declarative.interpolation.jinja import _ENVIRONMENT, JinjaInterpolation
from jinja2 import nodes

_original_eval = JinjaInterpolation.eval
_lock = threading.Lock()
_read_config: Optional[Any] = None  # the config object of the read in progress
_rendered: Dict[Tuple[Hashable, ...], Any] = {}
_MISSING = object()


def begin(config: Any) -> None:
    """From now on, templates that read only ``config`` (this object) are rendered once each."""
    global _read_config
    with _lock:
        _read_config = config
        _rendered.clear()


def end() -> None:
    global _read_config
    with _lock:
        _read_config = None
        _rendered.clear()


@lru_cache(maxsize=4096)
def reads_only_the_config(template: str) -> bool:
    """True for a template whose only name, if any, is ``config``: its value depends on the config alone.

    Plain text counts (``id``, ``500``: the CDK renders a request body's keys and values through Jinja and
    ``literal_eval`` too, every time)."""
    try:
        parsed = _ENVIRONMENT.parse(template)
    except Exception:  # noqa: BLE001 - the CDK reports a broken template when it renders it
        return False
    return {name.name for name in parsed.find_all(nodes.Name)} <= {"config"}


def _eval_once_per_read(self: JinjaInterpolation, input_str: str, config: Any, default: Optional[str] = None,
                        valid_types: Optional[Tuple[type, ...]] = None, **additional_parameters: Any) -> Any:
    if config is None or config is not _read_config or not isinstance(input_str, str) or not reads_only_the_config(input_str):
        return _original_eval(self, input_str, config, default, valid_types, **additional_parameters)
    key = (input_str, default, valid_types)
    value = _rendered.get(key, _MISSING)
    if value is _MISSING:
        value = _original_eval(self, input_str, config, default, valid_types, **additional_parameters)
        with _lock:
            if config is _read_config:
                _rendered[key] = value
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


if getattr(JinjaInterpolation.eval, "__name__", "") != "_eval_once_per_read":
    JinjaInterpolation.eval = _eval_once_per_read  # type: ignore[method-assign]
