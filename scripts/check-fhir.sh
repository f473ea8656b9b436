#!/usr/bin/env bash
# The FHIR output, checked by an independent implementation: every Bundle
# `carescreen score --format fhir` writes for the examples and the test
# inputs (scored and rejected rows, both languages, text and Markdown
# notes, one thread and two) must parse with the R4B models of Python's
# fhir.resources and pass scripts/validate_fhir.py's checks.
#
#   scripts/check-fhir.sh
#
# Needs python3 with venv (Debian: python3-venv, installed here when
# missing and run as root); installs fhir.resources in a virtual
# environment under the cargo target folder.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
venv=$target/fhir-venv

if ! python3 -c 'import venv, ensurepip' 2>/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -q python3 python3-venv >&2 || { apt-get update -q >&2 && apt-get install -y -q python3 python3-venv >&2; }
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import fhir.resources' 2>/dev/null; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check 'fhir.resources==8.3.0'
fi

cargo build --locked --quiet --bin carescreen
bin=$target/debug/carescreen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each run must end with the exit code expected of it (1: rows rejected).
score() {
  local expected=$1 code=0
  shift
  "$bin" score "$@" --format fhir --quiet --note-date 2026-01-15 >>"$work/out.ndjson" 2>"$work/err" || code=$?
  if [ "$code" -gt "$expected" ]; then
    cat "$work/err" >&2
    echo "carescreen score $* failed with exit code $code" >&2
    exit 1
  fi
}
score 1 tests/fixtures/redcap/export.csv --map tests/fixtures/redcap/mapping.yaml
for csv in examples/*.csv tests/fixtures/notes/*.csv; do
  score 1 "$csv" --lang en
  score 1 "$csv" --lang es --note-format markdown --threads 2
done
for dir in tests/fixtures/batch/*/; do
  # Inputs refused whole (no header, duplicate columns) write no Bundle.
  score "$(cat "$dir/expected.code")" "$dir/input.csv" --rules tests/fixtures/rules/minimal --threads 1
done
"$venv/bin/python" scripts/validate_fhir.py "$work/out.ndjson"
