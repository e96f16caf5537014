#!/usr/bin/env bash
# Make sure Debian's chromium is present for the headless-browser tests.
# Installs it with apt-get when run as root on Debian; otherwise says what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "${ATMP_SKIP_BROWSER:-0}" = "1" ]; then
  echo "chromium not found; browser tests will be skipped (ATMP_SKIP_BROWSER=1)"
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Installing Debian's chromium for the headless-browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "chromium is needed for the browser tests: install it (e.g. 'sudo apt-get install chromium')" >&2
echo "or set ATMP_SKIP_BROWSER=1 to skip those tests." >&2
exit 1
