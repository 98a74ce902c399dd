"""read_guards: how a read's errors reach the user. A config error (found by the vendor: a wrong key, an unknown
id) is said by its message alone, without a stack trace; other errors keep theirs."""
import logging
import sys

from airbyte_cdk.models import AirbyteErrorTraceMessage, AirbyteMessage, AirbyteTraceMessage, FailureType, TraceType, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_social_analytics.log_filters import AfterConfigError
from source_social_analytics.read_guards import dedupe_errors


def trace(message: str, failure_type: FailureType) -> AirbyteMessage:
    error = AirbyteErrorTraceMessage(message=message, failure_type=failure_type, stack_trace="Traceback (most recent call last): ...")
    return AirbyteMessage(type=Type.TRACE, trace=AirbyteTraceMessage(type=TraceType.ERROR, emitted_at=0, error=error))


def test_a_config_error_trace_loses_its_stack_trace_and_other_errors_keep_theirs():
    out = list(dedupe_errors([trace("Check provider.api_key", FailureType.config_error), trace("HTTP 500", FailureType.system_error)]))
    assert [m.trace.error.stack_trace for m in out] == [None, "Traceback (most recent call last): ..."]


def record(error: Exception) -> logging.LogRecord:
    try:
        raise error
    except Exception:
        return logging.LogRecord("airbyte", logging.ERROR, __file__, 1, "Exception while syncing stream s", (), sys.exc_info())


def test_the_cdks_log_line_of_a_config_error_keeps_its_words_without_the_traceback():
    config_error = record(AirbyteTracedException(message="Check provider.api_key", failure_type=FailureType.config_error))
    other = record(ValueError("boom"))
    log_filter = AfterConfigError()
    assert log_filter.filter(config_error) and log_filter.filter(other)
    assert "Traceback" not in logging.Formatter().format(config_error)
    assert config_error.getMessage() == "Exception while syncing stream s"
    assert "Traceback" in logging.Formatter().format(other)
