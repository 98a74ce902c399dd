"""How the connector's log lines read: logging filters, installed on the log handlers for one command.

``installed(*filters)`` adds them to the handlers of the root and ``airbyte`` loggers when a command starts
(``SourceSocialAnalytics.check`` and ``SourceSocialAnalytics.read``) and removes them when it ends, so
they see every record the CDK logs during the command, on any logger, and nothing outside it. Importing this
module changes nothing.

- ``SkipsAsWarnings``: a skipped answer (an ``IGNORE`` response filter whose message starts "Skipping ") is said
  at WARN by VendorErrorHandler, the level a user notices; the CDK's own INFO line of it is dropped.
- ``HonestRetryLog``: the CDK logs every retry with a backoff strategy as "Rate limit exceeded (HTTP 500)" (and a
  dropped connection or an unknown host as "Rate limit exceeded."); rewritten to say what happened.
- ``AfterConfigError`` (per read): no ERROR line repeated after a config error, no traceback on one.
"""
from __future__ import annotations

import contextlib
import logging
import sys
import threading
from typing import Any, Iterator, List

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .components.credentials import RejectedCredentials
from .components.errors import RETRY_LOG_PREFIX, SKIP_PREFIX, retry_reason


class SkipsAsWarnings(logging.Filter):
    """Drops the CDK's INFO line for a skipped answer ("Skipping post …"): VendorErrorHandler said it at WARN (a
    level the CDK's loggers never drop, unlike INFO when an embedding app raises the root level). Every other
    record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO and str(record.msg).startswith(SKIP_PREFIX))


class HonestRetryLog(logging.Filter):
    """"Rate limit exceeded (HTTP 500). Retrying in 11 seconds" -> "HTTP 500 (server error) on GET /x. Retrying in
    11 seconds": the CDK logs the retry inside the except block of the failed attempt, so the exception is at hand."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith(RETRY_LOG_PREFIX):
            exc = sys.exc_info()[1]
            if exc is not None:
                tail = message.split("Retrying in", 1)[-1]
                record.msg, record.args = f"{retry_reason(exc)}. Retrying in{tail}", ()
        return True


def _is_config_error(error: Any) -> bool:
    return isinstance(error, AirbyteTracedException) and error.failure_type == FailureType.config_error


class AfterConfigError(logging.Filter):
    """Drops ERROR log lines once a config error was reported: the other partitions failing the same way
    would each log the request, its headers and a traceback (22 traces, 268 KB for one wrong key). After a
    401 (components/credentials.py) the first ERROR line, the refused request's own, is kept: the workers log
    theirs before the error's trace reaches the message stream, so the trace alone cannot silence them.
    The CDK's log line of a config error itself ("Exception while syncing stream …") keeps its words but
    loses its traceback: a wrong key or id is the user's to fix, and a stack trace only hides the message.
    ``active`` is set by read_guards when a config error reaches the message stream."""

    def __init__(self) -> None:
        super().__init__()
        self.active = False
        self._lock = threading.Lock()
        self._rejection_logged = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            if self.active:
                return False
            if RejectedCredentials.any():
                with self._lock:
                    first, self._rejection_logged = not self._rejection_logged, True
                if not first:
                    return False
        if record.exc_info and _is_config_error(record.exc_info[1]):
            record.exc_info, record.exc_text = None, None
        return True


def command_filters() -> List[logging.Filter]:
    """The filters every command runs with (a read adds its own AfterConfigError)."""
    return [SkipsAsWarnings(), HonestRetryLog()]


@contextlib.contextmanager
def installed(*log_filters: logging.Filter) -> Iterator[None]:
    """The filters on the root and ``airbyte`` loggers' handlers while the block runs."""
    handlers = list(dict.fromkeys(list(logging.getLogger("airbyte").handlers) + list(logging.getLogger().handlers)))
    for handler in handlers:
        for log_filter in log_filters:
            handler.addFilter(log_filter)
    try:
        yield
    finally:
        for handler in handlers:
            for log_filter in log_filters:
                handler.removeFilter(log_filter)
