#!/usr/bin/env bash
# Install the browser-side test tools (axe-core, the accessibility checker) from the npm
# registry, pinned by tests/browser_tools/package-lock.json. Skipped with ATMP_SKIP_BROWSER=1.
set -euo pipefail
cd "$(dirname "$0")/../tests/browser_tools"
if [ -f node_modules/axe-core/axe.min.js ]; then
  exit 0
fi
if [ "${ATMP_SKIP_BROWSER:-0}" = "1" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed for the accessibility checks (axe-core): install Node.js, or set ATMP_SKIP_BROWSER=1" >&2
  exit 1
fi
npm ci --no-audit --no-fund --silent
