#!/usr/bin/env bash
# Makes sure a headless-capable Chromium exists at /usr/bin/chromium for the e2e test (playwright-core drives it).
# Installs the distribution package when missing; needs root (or passwordless sudo) and network access to the apt mirror.
set -euo pipefail

BIN=/usr/bin/chromium
if [ -x "$BIN" ]; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" ensure-chromium chromium
if [ ! -x "$BIN" ]; then
  echo "ensure-chromium: apt-get finished but $BIN does not exist" >&2
  exit 1
fi
