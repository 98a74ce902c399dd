"""The CDK names the connector leans on beyond the manifest, fingerprinted: an airbyte-cdk release that changes one
fails here, by name, instead of changing a sync silently. And importing the package changes nothing in the CDK,
requests, requests-cache or the standard library (the one explicit exception, ast_parse_lock, is never imported
for its effect)."""
from __future__ import annotations

import inspect
import subprocess
import sys

from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.sources.declarative.checks.check_stream import CheckStream
from airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter import HttpResponseFilter
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.sources.streams.http.http_client import HttpClient
from airbyte_cdk.sources.streams.http.requests_native_auth.protocols import ResponseAwareAuthenticator

from source_social_analytics.components.credentials import VendorKeyAuthenticator
from source_social_analytics.source import SourceSocialAnalytics


def _params(function) -> list:
    return list(inspect.signature(function).parameters)


def test_the_source_is_built_with_config_catalog_and_state_and_keeps_the_normalized_config_in_config():
    """source.py reads ``self._config`` (the CDK's private attribute: the config after config_normalization_rules)."""
    assert {"path_to_yaml", "catalog", "config", "state"} <= set(_params(YamlDeclarativeSource.__init__))
    source = SourceSocialAnalytics(config={"provider": {"provider_type": "mosaic", "api_key": "mk_x"}, "start_date": "2026-01-01"})
    assert source._config["provider"]["base_url"] == "https://api.mosaic.so"  # filled by normalization


def test_the_entrypoint_hooks_run_py_overrides_and_calls():
    assert _params(AirbyteEntrypoint.set_up_secret_filter) == ["config", "connection_specification"]
    for name in ("extract_config", "extract_catalog", "extract_state", "parse_args", "run"):
        assert callable(getattr(AirbyteEntrypoint, name)), name


def test_the_authenticator_response_hook_is_the_cdks_protocol_and_the_http_client_calls_it():
    """components/credentials.py learns of a 401 through ResponseAwareAuthenticator.update_from_response."""
    assert _params(ResponseAwareAuthenticator.update_from_response) == ["self", "request", "response"]
    assert isinstance(VendorKeyAuthenticator(config={}, parameters={}, api_token="k"), ResponseAwareAuthenticator)
    caller = inspect.getsource(HttpClient)
    assert "update_from_response(request, response)" in caller and "_update_authenticator_from_response" in caller


def test_the_record_expander_fetches_one_records_data_with_the_record_in_the_slice():
    """providers/ayrshare.py AyrshareAnalyticsBySocialId asks analytics by social ID through RecordExpander.expand_record;
    its truncated_list_retriever's templates read the record as ``stream_partition.parent_record`` (manifest)."""
    from airbyte_cdk.sources.declarative.expanders.record_expander import RecordExpander

    assert _params(RecordExpander.expand_record) == ["self", "record"]
    assert "StreamSlice(partition={\"parent_record\": parent_record}" in inspect.getsource(RecordExpander)


def test_the_check_and_the_rejection_filter_are_called_as_the_cdk_defines_them():
    assert _params(CheckStream.check_connection) == ["self", "source", "logger", "config"]
    assert _params(HttpResponseFilter.matches) == ["self", "response_or_exception"]


SNAPSHOT = r'''
import ast, json, logging, sys
import requests, requests_cache
import airbyte_cdk.sources.declarative.concurrent_declarative_source  # the CDK as a source loads it, before ours

WATCHED = ("airbyte_cdk", "requests", "requests_cache", "urllib3", "logging", "ast", "json", "threading")


def snapshot():
    """Every attribute of every loaded module of the watched packages, and of every class defined there, by
    identity; and every logger's filters and handlers."""
    state = {}
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in WATCHED:
            continue
        for attr, value in list(vars(module).items()):
            state[f"{name}.{attr}"] = id(value)
            if isinstance(value, type) and getattr(value, "__module__", None) == name:
                for member, inner in list(vars(value).items()):
                    state[f"{name}.{attr}.{member}"] = id(inner)
    loggers = [logging.getLogger()] + [l for l in logging.Logger.manager.loggerDict.values() if isinstance(l, logging.Logger)]
    for logger in loggers:
        state[f"logger {logger.name}"] = repr((logger.filters, logger.handlers, logger.level, logger.propagate, logger.disabled))
    return state


before = snapshot()
import pkgutil, importlib, source_social_analytics
for module in pkgutil.walk_packages(source_social_analytics.__path__, "source_social_analytics."):
    importlib.import_module(module.name)
after = snapshot()
changed = sorted(k for k in before if k in after and before[k] != after[k])
# a logger our import created, with a filter or handler of ours on it
changed += sorted(k for k in after if k.startswith("logger ") and k not in before and not after[k].startswith("([], [],"))
print(len(before), "watched")
print(json.dumps(changed))
'''


def test_importing_every_module_of_the_package_changes_nothing_in_the_cdk_requests_or_the_stdlib():
    done = subprocess.run([sys.executable, "-c", SNAPSHOT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
