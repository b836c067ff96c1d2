# The reprobot GitHub Action: runs `reprobot action` on the checked-out repository.
# The base is replaceable so the image can also be built on a local Debian base
# (`--build-arg BASE_IMAGE=...`); GitHub builds it on the default.
ARG BASE_IMAGE=python:3.12-slim
FROM ${BASE_IMAGE}

# git reads and clones the repository under test; the Debian base already has it.
# Versions are not pinned (DL3008): the base image's Debian release fixes them, and a pin
# breaks the build as soon as that release ships a security update.
# The runner mounts a checkout owned by another user at /github/workspace: trust it
# system-wide, so it holds whatever HOME the runner sets.
# hadolint ignore=DL3008
RUN if ! command -v git >/dev/null 2>&1; then \
        apt-get update \
        && apt-get install -y --no-install-recommends git ca-certificates \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && git config --system --add safe.directory '*'

ENV PATH=/opt/reprobot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# Optional settings for reaching the package index (a mirror, a TLS-inspecting proxy's CA
# bundle); unset by default and never stored in the image.
ARG PIP_INDEX_URL
ARG PIP_CERT
ARG PIP_DEFAULT_TIMEOUT

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml /src/pyproject.toml
RUN python3 -m venv /opt/reprobot \
    && python3 -c 'import tomllib; print("\n".join(tomllib.load(open("/src/pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md /src/README.md
COPY bot /src/bot
COPY checks /src/checks
RUN pip install --no-cache-dir --disable-pip-version-check --no-deps /src \
    && rm -rf /src

ENTRYPOINT ["/opt/reprobot/bin/reprobot", "action"]
