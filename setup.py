"""source-social-analytics: an Airbyte source for social-media analytics (Ayrshare, HighLevel, Mosaic, PostPost)."""
from setuptools import find_packages, setup

MAIN_REQUIREMENTS = [
    # 7.x from 7.39 (ConfigNormalizationRules, the authenticator's response hook): only supported seams are used;
    # the few CDK names the code leans on are fingerprinted (unit_tests/test_cdk_fingerprints.py), and CI runs the
    # suite on the newest 7.x and on 7.39.1 (scripts/cdk_matrix.sh)
    "airbyte-cdk>=7.39,<8",
    "requests>=2.32,<3",
    "pydantic>=2.13,<3",
    "pendulum>=3.0,<4",
]

TEST_REQUIREMENTS = [
    "pytest>=8,<10",
    "requests-mock>=1.12,<2",  # airbyte_cdk.test.mock_http imports it, and the unit tests use it
    "freezegun>=1.5,<2",
    "pytest-xdist>=3.6,<4",  # the suite runs on every core (scripts/run_tests.sh: -n auto)
]

PYAIRBYTE_REQUIREMENTS = [
    "airbyte>=0.71.3,<0.72",  # PyAirbyte, for the demo sync into a local DuckDB cache
]

# The emulator package (social_analytics_emulator) ships in the wheel and needs only the standard library:
# the extra installs nothing, it names the feature (pip install '.[pyairbyte,emulator]' for examples/demo_sync.py).
EMULATOR_REQUIREMENTS: list = []

# The connector and the emulator; never the tests, benchmarks/ or examples/. The Dockerfile copies only
# source_social_analytics, so the image's install finds the connector alone, and gets no emulator script.
PACKAGES = find_packages(include=("source_social_analytics", "source_social_analytics.*",
                                  "social_analytics_emulator", "social_analytics_emulator.*"))
CONSOLE_SCRIPTS = ["source-social-analytics=source_social_analytics.run:run"]
if "social_analytics_emulator" in PACKAGES:
    CONSOLE_SCRIPTS.append("social-analytics-emulator=social_analytics_emulator.server:main")

setup(
    name="source-social-analytics",
    version="0.3.0",
    description="Airbyte source: post, account, link and social statistics from social-media management APIs.",
    packages=PACKAGES,
    install_requires=MAIN_REQUIREMENTS,
    extras_require={"tests": TEST_REQUIREMENTS, "pyairbyte": PYAIRBYTE_REQUIREMENTS, "emulator": EMULATOR_REQUIREMENTS},
    package_data={"source_social_analytics": ["manifest.yaml", "schemas/*.json"]},
    include_package_data=True,
    entry_points={"console_scripts": CONSOLE_SCRIPTS},
    python_requires=">=3.10,<3.15",
)
