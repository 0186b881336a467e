#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser tests (tests/web/test_browser.py);
# print its version. Playwright drives this binary: no browser is downloaded.
set -euo pipefail
CHROMIUM="${KHABAR_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "installing chromium (Debian)" >&2
  if [ "$(id -u)" = 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "chromium is missing at $CHROMIUM and installing it needs root: run this script as root" \
         "(or apt-get install chromium, or set KHABAR_CHROMIUM to a Chromium binary)" >&2
    exit 1
  fi
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "chromium is still missing at $CHROMIUM after installing the Debian package" >&2
  exit 1
fi
"$CHROMIUM" --version 2>/dev/null
