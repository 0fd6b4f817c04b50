#!/usr/bin/env bash
# Installs what is missing, and only that, so `npm start`, `npm test` and .ci/run can each call it first on a fresh
# clone: Debian packages (apt-get, as root), the official SDK's Python dependencies (../shared/oracle, when present)
# and npm packages (again whenever package-lock.json changed since the last install).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v python3 >/dev/null || need+=(python3)
# The in-VS Code suite: headless Chromium, and Kerberos headers for a native module of the VS Code server build that
# scripts/vscode/install.mjs installs. bubblewrap sandboxes the emulator's workers; pigz is a packaging comparator
# in `npm run bench packaging`.
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v bwrap >/dev/null || need+=(bubblewrap)
command -v pigz >/dev/null || need+=(pigz)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
        echo "setup: missing Debian packages (${need[*]}): install them as root with apt-get" >&2
        exit 1
    fi
    sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The official SDK is the tests' oracle; its setup is idempotent and quick once done.
if [ -f ../shared/oracle/setup.sh ] && ! /usr/bin/python3 -c 'import aiohttp, Crypto, pyparsing' 2>/dev/null; then
    bash ../shared/oracle/setup.sh
fi
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.vast-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
    npm ci --no-audit --no-fund
    echo "$lock_hash" > node_modules/.vast-lock-hash
fi
