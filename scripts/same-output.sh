#!/usr/bin/env bash
# Byte-for-byte comparison of two carescreen binaries' outputs, for changes
# that must not change behaviour (a refactor):
#
#   scripts/same-output.sh OLD_BIN NEW_BIN [ROWS]     (default 100000)
#
# Both binaries score the same inputs every way the tool writes results:
# CSV, CSV with notes (text and Markdown, English and Spanish), JSON Lines,
# on one and two threads, plus `explain`, `rules show`, `rules test`,
# `template` and `rules check` on the default rules, on the valid fixture
# rule sets and on every bad-input file. Exit 0 when every output (stdout,
# stderr and exit code) is the same; otherwise the differing runs are listed.
# Needs python3 with numpy (for ../shared/bench/gen.py).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 OLD_BIN NEW_BIN [ROWS]" >&2; exit 2; }
old=$(realpath "$1")
new=$(realpath "$2")
rows=${3:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -c 'import numpy' 2>/dev/null || python3 -m pip install -q numpy >&2
python3 ../shared/bench/gen.py "$rows" "$work/big.csv" 11

runs=0
diffs=0
# run NAME STDIN ARGS...: run both binaries, compare stdout, stderr, code.
run() {
  local name=$1 input=$2
  shift 2
  runs=$((runs + 1))
  for side in old new; do
    local bin=$old
    [ "$side" = new ] && bin=$new
    set +e
    "$bin" "$@" < "$input" > "$work/$side.out" 2> "$work/$side.err"
    echo $? > "$work/$side.code"
    set -e
    # Elapsed time and rate are the only outputs that may differ.
    sed -i -E 's/"elapsed_seconds":[0-9.e-]+,"rows_per_second":[0-9.e+-]+/"elapsed_seconds":_,"rows_per_second":_/' "$work/$side.err"
  done
  for part in out err code; do
    if ! cmp -s "$work/old.$part" "$work/new.$part"; then
      diffs=$((diffs + 1))
      echo "differs: $name ($part): $*"
      diff "$work/old.$part" "$work/new.$part" | head -5 || true
    fi
  done
}

date=(--note-date 2026-01-01 --summary json)
for threads in 1 2; do
  run "big csv t$threads" "$work/big.csv" score - --threads "$threads" "${date[@]}"
  run "big jsonl t$threads" "$work/big.csv" score - --format jsonl --threads "$threads" "${date[@]}"
done
head -5001 "$work/big.csv" > "$work/mid.csv"
for lang in en es; do
  for format in text markdown; do
    run "notes $lang $format" "$work/mid.csv" score - --note-column --lang "$lang" \
      --note-format "$format" "${date[@]}"
  done
done
for f in examples/*.csv; do
  run "$f" /dev/null score "$f" --note-column "${date[@]}"
  run "$f jsonl" /dev/null score "$f" --format jsonl "${date[@]}"
done
for case in tests/fixtures/batch/*/; do
  run "$case" "$case/input.csv" score - --rules tests/fixtures/rules/minimal --threads 1 "${date[@]}"
  run "$case jsonl" "$case/input.csv" score - --rules tests/fixtures/rules/minimal \
    --format jsonl "${date[@]}"
done
for rules in tests/fixtures/rules/*/; do
  run "check $rules" /dev/null rules check "$rules"
  run "show $rules" /dev/null rules show "$rules"
done
run "rules test" /dev/null rules test --coverage
run "template" /dev/null template
printf 'cssrs_2: 0\ncssrs_4: 1\n' > "$work/record.yaml"
run "explain rejected" /dev/null explain "$work/record.yaml"
"$new" template | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
for name, value in zip(rows[0][1:], rows[1][1:]):
    if value:
        print(f"{name}: {value}")
print("cssrs_4: 1")
' > "$work/scored.yaml"
run "explain scored" /dev/null explain "$work/scored.yaml"
run "explain scored es" /dev/null explain "$work/scored.yaml" --lang es

echo "$runs runs, $diffs differing outputs"
[ "$diffs" = 0 ]
