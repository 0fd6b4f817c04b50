#!/usr/bin/env bash
# One-time set-up on a fresh clone: npm packages and the Debian packages the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v python3 >/dev/null || need+=(python3)
# The in-VS Code suite (npm run test:vscode): headless Chromium, and Kerberos headers for a native module of the
# VS Code server build that scripts/vscode/install.mjs installs.
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}"
fi
npm ci --no-audit --no-fund
