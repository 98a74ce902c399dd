"""Airbyte's own standard tests (airbyte_cdk.test.standard_tests.SourceTestSuiteBase) for all four providers,
with the scenarios of acceptance-test-config.yml, against the bundled emulator on a fixed local port."""
from __future__ import annotations

import pytest
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from integration_tests.conftest import SUITE_RATE_TIME_SCALE
from social_analytics_emulator import Emulator
from source_social_analytics.source import SourceSocialAnalytics

pytestmark = pytest.mark.integration
STANDARD_SUITE_PORT = 18931  # the port the configs in integration_tests/standard/ name
NEEDS_DOCKER = "builds and runs the Docker image: there is no Docker engine here (the Dockerfile is replayed in test_dockerfile.py)"


@pytest.fixture(scope="module", autouse=True)
def emulator_on_the_standard_port():
    with Emulator(port=STANDARD_SUITE_PORT, rate_time_scale=SUITE_RATE_TIME_SCALE) as running:
        yield running


class TestStandardSuite(SourceTestSuiteBase):
    @classmethod
    def create_connector(cls, scenario):  # the default builds the source without the scenario's config
        config = scenario.get_config_dict(connector_root=cls.get_connector_root_dir(), empty_if_missing=True) if scenario else None
        return SourceSocialAnalytics(config=config, catalog=None, state=None)

    @pytest.mark.skip(reason=NEEDS_DOCKER)
    def test_docker_image_build_and_spec(self, *args, **kwargs): ...

    @pytest.mark.skip(reason=NEEDS_DOCKER)
    def test_docker_image_spec_backward_compatibility(self, *args, **kwargs): ...

    @pytest.mark.skip(reason=NEEDS_DOCKER)
    def test_docker_image_build_and_check(self, *args, **kwargs): ...

    @pytest.mark.skip(reason=NEEDS_DOCKER)
    def test_docker_image_build_and_config_matches_spec(self, *args, **kwargs): ...

    @pytest.mark.skip(reason=NEEDS_DOCKER)
    def test_docker_image_build_and_discover(self, *args, **kwargs): ...

    @pytest.mark.skip(reason=NEEDS_DOCKER)
    def test_docker_image_build_and_read(self, *args, **kwargs): ...
