#!/usr/bin/env bash
# Installs flashload with its test extras into ./.venv and runs every check CI runs:
# ruff, mypy and the whole pytest suite. Exits non-zero on any failure (or if no test ran).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
