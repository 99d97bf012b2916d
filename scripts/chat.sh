#!/usr/bin/env bash
# Set up, build the index from documents/ (first run only, then only what changed) and open the chat.
# Packages are installed on the first run and again only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3.11 -m venv .venv || python3 -m venv .venv
stamp=.venv/.installed-pyproject
if ! cmp -s pyproject.toml "$stamp"; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e .
  cp pyproject.toml "$stamp"
fi
exec .venv/bin/assistant serve "$@"
