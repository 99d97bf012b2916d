#!/usr/bin/env bash
# Set up, build the index from documents/ (first run only, then only what changed) and open the chat.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3.11 -m venv .venv || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e .
exec .venv/bin/assistant serve "$@"
