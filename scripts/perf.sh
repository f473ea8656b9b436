#!/usr/bin/env bash
# Whole-process performance comparisons for batch scoring, as ratios
# measured side by side in one run on the same files.
#
#   scripts/perf.sh [ROWS]      (default 1000000)
#
# Needs: hyperfine (Debian package `hyperfine`), python3 with numpy and
# pandas (for the data generator and the pandas peer in ../shared/bench);
# installs them when missing and it can (as root with apt-get, and pip).
# The baseline for one thread is `examples/read_only.rs`, a csv-crate loop
# that only reads the file; `cargo bench --bench assess` measures the same
# ratio in process (batch/read_only vs batch/score_csv), without the cost
# of writing the output file.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
bench=../shared/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -q hyperfine >&2 || { apt-get update -q >&2 && apt-get install -y -q hyperfine >&2; }
fi
if ! python3 -c 'import numpy, pandas' 2>/dev/null; then
  python3 -m pip install -q numpy pandas >&2 || true
fi
command -v hyperfine >/dev/null || { echo "needs hyperfine: apt-get install hyperfine" >&2; exit 2; }
python3 -c 'import numpy, pandas' 2>/dev/null || { echo "needs numpy and pandas: pip install numpy pandas" >&2; exit 2; }

cargo build --release --quiet --bin carescreen --example read_only
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/carescreen
read_only=$target/release/examples/read_only
python3 "$bench/gen.py" "$rows" "$work/big.csv"
python3 "$bench/gen.py" 10000 "$work/small.csv"
head -1 "$work/big.csv" > "$work/header.csv"

# Each run writes a new file: replacing the last run's output would also
# time the filesystem deleting it (some 0.15 s for 300 MB on ext4 with
# `discard`), which is no part of scoring.
hyperfine --warmup 1 --runs 5 --export-json "$work/score.json" \
  --prepare "rm -f $work/o1.csv $work/o2.csv $work/j1.jsonl $work/j2.jsonl $work/peer.csv" \
  -n read-only "$read_only $work/big.csv" \
  -n csv-1-thread "$bin score $work/big.csv -o $work/o1.csv --threads 1" \
  -n csv-all-threads "$bin score $work/big.csv -o $work/o2.csv" \
  -n jsonl-1-thread "$bin score $work/small.csv -o $work/j1.jsonl --format jsonl --threads 1" \
  -n jsonl-2-threads "$bin score $work/small.csv -o $work/j2.jsonl --format jsonl --threads 2" \
  -n pandas-peer "python3 $bench/peer_pandas.py $work/big.csv $work/peer.csv"
hyperfine --warmup 3 --runs 30 -N --export-json "$work/start.json" \
  -n startup "$bin score $work/header.csv -o $work/h.csv"

# The ratios: this machine's speed drifts within a run (by up to 1.5x over
# seconds), so each ratio is taken round by round, the two commands run back
# to back (which goes first alternates), and the median of the rounds
# reported.
python3 - "$work" "$bin" "$read_only" "$bench" > "$work/rounds.json" <<'PY'
import json, os, statistics, subprocess, sys, time
work, bin, read_only, bench = sys.argv[1:5]
def run(cmd, out):
    if os.path.exists(out):
        os.remove(out)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start
pairs = {
    "csv-1-thread/read-only": (
        ([bin, "score", f"{work}/big.csv", "-o", f"{work}/r1.csv", "--threads", "1"], f"{work}/r1.csv"),
        ([read_only, f"{work}/big.csv"], f"{work}/none"),
    ),
    "pandas-peer/csv-all-threads": (
        (["python3", f"{bench}/peer_pandas.py", f"{work}/big.csv", f"{work}/r2.csv"], f"{work}/r2.csv"),
        ([bin, "score", f"{work}/big.csv", "-o", f"{work}/r3.csv"], f"{work}/r3.csv"),
    ),
    "jsonl-1-thread/jsonl-2-threads": (
        ([bin, "score", f"{work}/small.csv", "-o", f"{work}/r4.jsonl", "--format", "jsonl", "--threads", "1"], f"{work}/r4.jsonl"),
        ([bin, "score", f"{work}/small.csv", "-o", f"{work}/r5.jsonl", "--format", "jsonl", "--threads", "2"], f"{work}/r5.jsonl"),
    ),
}
def one_round(a, b, k):
    if k % 2:
        tb = run(*b)
        return run(*a) / tb
    ta = run(*a)
    return ta / run(*b)
ratios = {}
for name, (a, b) in pairs.items():
    ratios[name] = statistics.median(one_round(a, b, k) for k in range(7))
json.dump(ratios, sys.stdout)
PY

peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
mem_small=$(peak "$bin" score "$work/small.csv" -o "$work/m1.csv")
mem_big=$(peak "$bin" score "$work/big.csv" -o "$work/m2.csv")

python3 - "$work/score.json" "$work/start.json" "$mem_small" "$mem_big" "$rows" "$work/rounds.json" <<'PY'
import json, sys
runs = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
start = json.load(open(sys.argv[2]))["results"][0]["mean"]
small, big, rows = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ratio = json.load(open(sys.argv[6]))
print(f"rows: {rows}")
print(f"csv read-only loop:    {runs['read-only']:.2f} s")
print(f"csv, 1 thread:         {runs['csv-1-thread']:.2f} s  ({rows / runs['csv-1-thread']:,.0f} rows/s): {ratio['csv-1-thread/read-only']:.2f}x the read-only loop (target <= 2x)")
print(f"csv, all threads:      {runs['csv-all-threads']:.2f} s  ({rows / runs['csv-all-threads']:,.0f} rows/s)")
print(f"pandas peer:           {runs['pandas-peer']:.2f} s")
print(f"speed-up over pandas:  {ratio['pandas-peer/csv-all-threads']:.1f}x (target >= 10x)")
print(f"jsonl+note 2 threads:  {ratio['jsonl-1-thread/jsonl-2-threads']:.2f}x faster than 1 thread (target >= 1.6x)")
print("(times: hyperfine's means; ratios: the median of 7 rounds, each running both commands back to back)")
print(f"start-up:              {start * 1000:.1f} ms (target < 10 ms)")
print(f"peak memory:           {small / 1024:.1f} MB at 10k rows, {big / 1024:.1f} MB at {rows} rows: +{(big - small) / 1024:.1f} MB (target <= 5 MB)")
PY
