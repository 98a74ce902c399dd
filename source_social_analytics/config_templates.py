"""During a read, a template that reads nothing but the config is rendered once, not once per request.

The manifest's credentials and constants are Jinja templates over the config: ``{{ config['provider']['api_key'] }}``
(rendered twice for every request: the CDK's authenticator builds the header, then the session's auth does it
again), Ayrshare's ``{{ config['provider']['_post_platforms'] or None }}`` in every post_analytics body, and
so on. Each render is a Jinja context, a render and an ``ast.literal_eval``: a tenth of a zero-latency
post_analytics read (``python -m benchmarks.run``), for text that cannot change while the sync runs.

Between ``begin(config)`` and ``end(config)`` (``SourceSocialAnalytics.read``), a template rendered with that
very config object whose only variable is ``config``, or none, is answered from memory: plain text too (a
body's keys, ``500``), which the CDK also renders and ``literal_eval``s every time. Any other name (``now_utc()``
or another function of the clock, ``stream_partition``, ``record`` …) or the ``random`` filter, and it is
rendered every time as before; a list or mapping is copied on the way out. Nothing is remembered outside a
read: config normalization builds the config by mutating it, so there the CDK renders every time. Two reads
at once in one process: the later one's config is remembered, the earlier one renders as the CDK does.
"""
from __future__ import annotations

import copy
import threading
from functools import lru_cache
from typing import Any, Dict, Hashable, Optional, Tuple

from airbyte_cdk.sources.declarative.interpolation.jinja import JinjaInterpolation
from jinja2 import Environment, nodes

_original_eval = getattr(JinjaInterpolation, "eval", None)
_PARSER = Environment()  # parsing only: which names and filters a template uses
_NOT_PURE_FILTERS = {"random"}  # a filter whose answer changes from one render to the next
_lock = threading.Lock()
# The read in progress: its config object and its own memory. One tuple, read once per render and replaced
# whole by begin/end, so a render never mixes one read's config with another read's memory.
_read: Optional[Tuple[Any, Dict[Tuple[Hashable, ...], Any]]] = None
_MISSING = object()


def begin(config: Any) -> None:
    """From now on, templates that read only ``config`` (this object) are rendered once each."""
    global _read
    with _lock:
        _read = (config, {})


def end(config: Any) -> None:
    """The read over ``config`` is over (a later read's memory, if one began since, is left alone)."""
    global _read
    with _lock:
        if _read is not None and _read[0] is config:
            _read = None


def reading() -> Optional[Any]:
    """The config of the read in progress, if any."""
    current = _read
    return current[0] if current is not None else None


@lru_cache(maxsize=4096)
def reads_only_the_config(template: str) -> bool:
    """True for a template whose only name, if any, is ``config``: its value depends on the config alone.

    Plain text counts (``id``, ``500``: the CDK renders a request body's keys and values through Jinja and
    ``literal_eval`` too, every time)."""
    try:
        parsed = _PARSER.parse(template)
    except Exception:  # noqa: BLE001 - the CDK reports a broken template when it renders it
        return False
    if any(node.name in _NOT_PURE_FILTERS for node in parsed.find_all(nodes.Filter)):
        return False
    return {name.name for name in parsed.find_all(nodes.Name)} <= {"config"}


def _eval_once_per_read(self: JinjaInterpolation, input_str: str, config: Any, default: Optional[str] = None,
                        valid_types: Optional[Tuple[type, ...]] = None, **additional_parameters: Any) -> Any:
    current = _read
    if current is None or config is not current[0] or not isinstance(input_str, str) or not reads_only_the_config(input_str):
        return _original_eval(self, input_str, config, default, valid_types, **additional_parameters)  # type: ignore[misc]
    memory = current[1]
    key = (input_str, default, valid_types)
    try:
        value = memory.get(key, _MISSING)
    except TypeError:  # a default or type list that cannot be a key: render as the CDK does
        return _original_eval(self, input_str, config, default, valid_types, **additional_parameters)  # type: ignore[misc]
    if value is _MISSING:
        value = _original_eval(self, input_str, config, default, valid_types, **additional_parameters)  # type: ignore[misc]
        memory[key] = value
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


# Installed only where the CDK renders through JinjaInterpolation.eval (airbyte-cdk 7.39.x, setup.py).
if _original_eval is not None and getattr(_original_eval, "__name__", "") != "_eval_once_per_read":
    JinjaInterpolation.eval = _eval_once_per_read  # type: ignore[method-assign]
