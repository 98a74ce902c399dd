# Airbyte's Python connector base (Python 3.11), pinned by digest (metadata.yaml connectorBuildOptions.baseImage).
FROM docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73

# Installed as root into the image's Python; run as the base image's non-root `airbyte` user.
USER root
WORKDIR /airbyte/integration_code

# Only what the package needs: tests, the emulator and benchmarks stay out of the image.
COPY setup.py README.md ./
COPY source_social_analytics ./source_social_analytics
RUN pip install --no-cache-dir . && rm -rf build *.egg-info

ENV AIRBYTE_ENTRYPOINT="source-social-analytics"
ENTRYPOINT ["source-social-analytics"]
USER airbyte

LABEL io.airbyte.version=0.3.0
LABEL io.airbyte.name=airbyte/source-social-analytics
