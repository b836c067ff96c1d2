# The reprobot GitHub Action: runs `reprobot action` on the checked-out repository.
#
# Two stages. The builder installs the locked dependencies (requirements/action.txt, exported
# from uv.lock with a hash for every file) and reprobot's own wheel into /opt/reprobot, then
# removes pip and setuptools from it. The runtime stage copies that venv onto a fresh base:
# no installer, no build tool and none of the builder's build arguments end up in the image
# or its history.
#
# The base is pinned by digest (python:3.12-slim, multi-arch index) and replaceable, so the
# image can also be built on a local Debian base (`--build-arg BASE_IMAGE=...`).
ARG BASE_IMAGE=python:3.12-slim@sha256:2fe5997d249a808b8eeea52c58a1dbffbba28754dc11699ef5c029f2d818ce79

FROM ${BASE_IMAGE} AS builder

# Optional settings for reaching the package index (a mirror, a TLS-inspecting proxy's CA
# bundle); unset by default, used by this stage only.
ARG PIP_INDEX_URL
ARG PIP_CERT
ARG PIP_DEFAULT_TIMEOUT

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Dependencies first, in their own layer: rebuilt only when the lock's export changes.
# --require-hashes and --no-deps: exactly the files uv.lock names, nothing resolved here.
COPY requirements/action.txt requirements/build.txt /src/requirements/
RUN python3 -m venv /opt/reprobot \
    && /opt/reprobot/bin/python -m pip install --require-hashes --no-deps \
        -r /src/requirements/action.txt \
    && /opt/reprobot/bin/python -m pip install --require-hashes --no-deps \
        -r /src/requirements/build.txt

COPY pyproject.toml README.md LICENSE /src/
COPY bot /src/bot
COPY checks /src/checks
COPY reprobot /src/reprobot
# reprobot's own wheel, built with the locked setuptools (no build isolation: nothing unlocked
# is fetched), then the installer and the build tool leave the venv.
RUN /opt/reprobot/bin/python -m pip wheel --no-deps --no-build-isolation -w /tmp/dist /src \
    && /opt/reprobot/bin/python -m pip install --no-deps /tmp/dist/*.whl \
    && /opt/reprobot/bin/python -m pip check \
    && /opt/reprobot/bin/python -m pip uninstall --yes setuptools wheel pip \
    && /opt/reprobot/bin/reprobot --version

FROM ${BASE_IMAGE}

# git reads and clones the repository under test; the Debian base already has it.
# Versions are not pinned (DL3008): the base image's Debian release fixes them, and a pin
# breaks the build as soon as that release ships a security update.
# The runner mounts a checkout owned by another user at /github/workspace: trust it
# system-wide, so it holds whatever HOME the runner sets.
# The base's own pip and setuptools (the official image has them) are removed: reprobot
# installs nothing at run time except through uv, into environments of their own.
# hadolint ignore=DL3008
RUN if ! command -v git >/dev/null 2>&1; then \
        apt-get update \
        && apt-get install -y --no-install-recommends git ca-certificates \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && git config --system --add safe.directory '*' \
    && if python3 -m pip --version >/dev/null 2>&1; then \
        python3 -m pip uninstall --yes --disable-pip-version-check pip setuptools wheel; \
    fi

ENV PATH=/opt/reprobot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

COPY --from=builder /opt/reprobot /opt/reprobot

ENTRYPOINT ["/opt/reprobot/bin/reprobot", "action"]
