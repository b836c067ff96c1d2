#!/usr/bin/env bash
# CI preparation for the container tests on a fresh Debian machine (run as root):
# install buildah, podman and debootstrap, and make the local base image the Dockerfile is
# built on. Each step is skipped when already done, so a second run costs a second or two.
# The image itself is built by the tests (tests/integration/test_container.py).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
started=$SECONDS

if ! command -v buildah >/dev/null || ! command -v podman >/dev/null \
    || ! command -v debootstrap >/dev/null; then
    echo "ci-container-setup: apt-get update" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
fi
"$here/container.sh" deps
"$here/container.sh" base

echo "ci-container-setup: ready in $((SECONDS - started)) s" >&2
