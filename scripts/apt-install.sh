#!/usr/bin/env bash
# Installs Debian packages for a test's needs: as root, or with passwordless sudo; otherwise says what to run.
# Usage: apt-install.sh WHO PACKAGE...   (WHO names the caller in the messages; --no-install-recommends always)
set -euo pipefail
WHO=$1
shift
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "$WHO: installing $* needs root (run: sudo apt-get install -y --no-install-recommends $*)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$WHO: this system has no apt-get; install $* with its package manager" >&2
  exit 1
fi
echo "$WHO: installing $* with apt-get (one time)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "$@" >&2
