#!/usr/bin/env bash
# Installs the Debian packages the tests need (and fetches axe-core, see below) (Chromium + driver for the browser
# tests, PostgreSQL for the multi-server storage tests) when they are missing.
set -euo pipefail
# axe-core for the accessibility tests: the pinned version from the npm registry, checked
# against its sha512 and cached in build/ (tests/_axe.py; the test fetches it too when missing)
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -x "$ROOT/.venv/bin/python" ]; then
  "$ROOT/.venv/bin/python" "$ROOT/tests/_axe.py" || echo "axe-core not fetched now; the browser tests will try again"
fi
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
