#!/usr/bin/env bash
# Makes sure a headless-capable Chromium exists at /usr/bin/chromium for the e2e test (playwright-core drives it).
# Installs the distribution package when missing; needs root (or passwordless sudo) and network access to the apt mirror.
set -euo pipefail

BIN=/usr/bin/chromium
if [ -x "$BIN" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "ensure-chromium: $BIN is missing and installing it needs root (run: sudo apt-get install -y chromium)" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $BIN is missing and this system has no apt-get; install Chromium so that $BIN exists" >&2
  exit 1
fi

echo "ensure-chromium: installing chromium with apt-get (one time)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium >&2

if [ ! -x "$BIN" ]; then
  echo "ensure-chromium: apt-get finished but $BIN does not exist" >&2
  exit 1
fi
