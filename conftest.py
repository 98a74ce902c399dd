"""Repo-root conftest: the CDK's standard-test plugin builds the `scenario` parametrization from
acceptance-test-config.yml (it must be declared in the top-level conftest)."""
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]

# What the console entry point does first (run.run): in-process tests build the source without it.
from source_social_analytics import ast_parse_lock  # noqa: E402

ast_parse_lock.install()
