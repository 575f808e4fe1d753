#!/usr/bin/env bash
# Installs the Debian packages that tests and benchmarks use (osmium-tool, chromium, wrk), when missing and when we may (root).
set -euo pipefail
need=()
command -v osmium >/dev/null 2>&1 || need+=(osmium-tool)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v wrk >/dev/null 2>&1 || need+=(wrk)  # bench/bench_api.py's load generator (aiohttp without it)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "note: ${need[*]} missing and not root; the tests that need them will be skipped" >&2
  exit 0
fi
echo "installing ${need[*]} from Debian" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
