"""Repo-root conftest: the CDK's standard-test plugin builds the `scenario` parametrization from
acceptance-test-config.yml (it must be declared in the top-level conftest)."""
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]
