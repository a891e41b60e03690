#!/usr/bin/env bash
# Installs flashload into ./.venv and imports the bundled sample dump (examples/) into a local
# playground cluster, starting the playground and the importer for you.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "quickstart: not yet available (the end-to-end encoder lands with issue 7)" >&2
exit 2
