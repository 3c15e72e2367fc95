#!/usr/bin/env bash
# Makes sure redis-server (and openssl, which makes the TLS test's certificates) exist for the distributed-sweep tests
# (tests/integration/distributed-*.test.ts start their own redis-server on a free loopback port in a temporary
# folder). Installs the Debian packages when missing; needs root (or passwordless sudo) and network access to the apt
# mirror. The redis-server package's system service is not needed.
set -euo pipefail

missing=()
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  missing+=(redis-server)
fi
if ! command -v openssl >/dev/null 2>&1; then
  missing+=(openssl)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" ensure-redis "${missing[@]}"
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "ensure-redis: apt-get finished but redis-server is not on PATH" >&2
  exit 1
fi
