#!/usr/bin/env bash
# Installs flashload into ./.venv and imports the bundled sample dump (examples/) into a local
# playground cluster, starting the playground and the importer for you (on free ports, in the
# background, stopped again on exit). Prints the encoder's per-table summary and exits with its
# code: 0 when every table's checksum was verified.
#
# Environment: PYTHON (interpreter for the venv, default python3), FLASHLOAD_VENV (venv to use,
# default ./.venv; created and installed into when it has no `encoder`), FLASHLOAD_HOME (work
# dir for the playground, importer and logs, default ./.flashload/quickstart; wiped first).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=${FLASHLOAD_VENV:-.venv}
WORK=${FLASHLOAD_HOME:-.flashload/quickstart}
START_TIMEOUT_S=90

rm -rf "$WORK"
mkdir -p "$WORK"

if [ ! -x "$VENV/bin/encoder" ]; then
    echo "quickstart: installing flashload into $VENV (log: $WORK/install.log) ..." >&2
    {
        [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e .
    } >"$WORK/install.log" 2>&1 || {
        tail -n 30 "$WORK/install.log" >&2
        echo "quickstart: installation failed" >&2
        exit 1
    }
fi
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# wait_for FILE PATTERN: until a line of FILE matches PATTERN (or the timeout).
wait_for() {
    local deadline=$((SECONDS + START_TIMEOUT_S))
    until grep -q "$2" "$1" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            echo "quickstart: timed out waiting for $1; its log:" >&2
            tail -n 30 "$1" >&2 || true
            exit 1
        fi
        sleep 0.2
    done
}

echo "quickstart: starting the playground (PD + 3 TiKV stores + TiDB) ..." >&2
"$VENV/bin/playground" up --data-dir "$WORK/playground" --pd-port 0 --store-port 0 \
    --sql-port 0 --status-port 0 >"$WORK/playground.out" 2>"$WORK/playground.log" &
pids+=($!)
echo "$!" >"$WORK/playground.pid"
wait_for "$WORK/playground.out" '^ready$'
PD=$(awk '$1 == "pd" {print $2}' "$WORK/playground.out")
TIDB=$(awk '$1 == "tidb" {print $2}' "$WORK/playground.out")
TIDB_STATUS=$(awk '$1 == "tidb-status" {print $2}' "$WORK/playground.out")

echo "quickstart: starting the importer ..." >&2
"$VENV/bin/importer" serve --listen 127.0.0.1:0 --data-dir "$WORK/importer" --pd "$PD" \
    --log-format json >"$WORK/importer.log" 2>&1 &
pids+=($!)
echo "$!" >"$WORK/importer.pid"
wait_for "$WORK/importer.log" '"event": "importer started"'
IMPORTER=$("$VENV/bin/python" -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("event") == "importer started":
        print(event["addr"])
        break
' "$WORK/importer.log")

echo "quickstart: TiDB $TIDB (status $TIDB_STATUS), PD $PD, importer $IMPORTER" >&2
echo "quickstart: importing examples/ (logs in $WORK) ..." >&2
rc=0
"$VENV/bin/encoder" --dump examples --importer "$IMPORTER" --tidb "$TIDB" \
    --tidb-status "$TIDB_STATUS" --pd "$PD" --log-file "$WORK/encoder.log" || rc=$?
if [ "$rc" -eq 0 ]; then
    echo "quickstart: every table imported and verified against ADMIN CHECKSUM TABLE" >&2
else
    echo "quickstart: the encoder exited with $rc (see $WORK/encoder.log)" >&2
fi
exit "$rc"
