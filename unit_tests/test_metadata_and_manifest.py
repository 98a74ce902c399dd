"""What Airbyte's tooling reads: metadata.yaml against the connector metadata schema, the manifest against
the CDK's declarative component schema, with no deprecated field."""
import json
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import yaml
import airbyte_cdk.sources.declarative as declarative_package

from source_social_analytics.source import MANIFEST_PATH, SourceSocialAnalytics

ROOT = Path(__file__).resolve().parents[1]
METADATA = yaml.safe_load((ROOT / "metadata.yaml").read_text())


def test_metadata_validates_against_the_connector_metadata_schema():
    schema = json.loads((ROOT / "unit_tests" / "schemas" / "connector_metadata_v0.schema.json").read_text())
    jsonschema.validate(METADATA, schema, format_checker=jsonschema.FormatChecker())


def test_metadata_allows_every_host_the_spec_can_default_to_and_names_files_that_exist():
    spec = SourceSocialAnalytics().spec(None).connectionSpecification
    defaults = {urlsplit(branch["properties"]["base_url"]["default"]).hostname for branch in spec["properties"]["provider"]["oneOf"]}
    allowed = set(METADATA["data"]["allowedHosts"]["hosts"])
    assert defaults <= allowed
    assert "api.publora.com" in allowed  # Publora's host takes the same keys (api-notes §4.1)
    assert (ROOT / METADATA["data"]["icon"]).is_file()
    assert METADATA["data"]["connectorBuildOptions"]["baseImage"] in (ROOT / "Dockerfile").read_text()
    streams = {s.name for provider_type in ("ayrshare", "highlevel", "mosaic", "postpost") for s in _streams(provider_type)}
    assert set(METADATA["data"]["suggestedStreams"]["streams"]) <= streams


def _streams(provider_type):
    config = {"provider": {"provider_type": provider_type, "api_key": "k", "access_token": "t", "location_id": "l"}}
    return SourceSocialAnalytics(config=config).streams(SourceSocialAnalytics(config=config)._config)


def test_the_manifest_validates_against_the_cdks_declarative_component_schema():
    schema_path = Path(declarative_package.__file__).parent / "declarative_component_schema.yaml"
    schema = yaml.safe_load(schema_path.read_text())
    resolved = SourceSocialAnalytics().resolved_manifest
    jsonschema.validate(resolved, schema)


def test_building_every_providers_streams_raises_no_deprecation_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for provider_type in ("ayrshare", "highlevel", "mosaic", "postpost"):
            list(_streams(provider_type))
    deprecated = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning) and "deprecated" in str(w.message).lower()]
    assert not deprecated


def test_each_providers_api_hosts_are_written_once_in_the_manifest_and_hold_its_default_base_url():
    """Provider.hosts, metadata.yaml's allowedHosts and the spec's default base_url agree with `api_hosts`."""
    from source_social_analytics.providers import PROVIDERS

    spec = SourceSocialAnalytics().spec(None).connectionSpecification
    for branch in spec["properties"]["provider"]["oneOf"]:
        name = branch["properties"]["provider_type"]["const"]
        assert urlsplit(branch["properties"]["base_url"]["default"]).hostname in PROVIDERS[name].hosts, name
    assert "api.ayrshare.com" in PROVIDERS["ayrshare"].hosts  # was missing: its DNS failure read as a typo
    assert set(METADATA["data"]["allowedHosts"]["hosts"]) == {host for p in PROVIDERS.values() for host in p.hosts}
