#!/usr/bin/env bash
# CI preparation for the screenshot test on a fresh Debian machine (run as root): headless
# Chromium from Debian's packages and a colour emoji font (the reports' ✅ ❌ ⚠️ ➖).
# Skipped when both are there already, so a second run costs nothing.
# The screenshot itself is taken by the tests (tests/bot/test_screenshot.py).
set -euo pipefail

if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "color emoji"; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ci-chromium-setup: needs root to install chromium and fonts-noto-color-emoji" >&2
    exit 1
fi
echo "ci-chromium-setup: apt-get install chromium fonts-noto-color-emoji" >&2
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-noto-color-emoji fonts-dejavu-core >/dev/null
