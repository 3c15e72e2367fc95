#!/usr/bin/env bash
# Makes sure redis-server exists for the distributed-sweep tests (tests/integration/distributed-*.test.ts start their
# own on a free loopback port in a temporary folder). Installs Debian's redis-server package when missing; needs root
# (or passwordless sudo) and network access to the apt mirror. The package's system service is not needed.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" ensure-redis redis-server
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "ensure-redis: apt-get finished but redis-server is not on PATH" >&2
  exit 1
fi
