#!/usr/bin/env bash
# Delivery metrics benchmark: `kiosque dora import` and `kiosque dora report --format csv`
# beside DuckDB's reference (shared/bench/dora), in the same run, then the two CSVs compared
# row by row (text and integers exactly, numbers within a relative 1e-9).
#
#   bench/dora.sh [KIOSQUE_BINARY]      (default: target/release/kiosque)
#
# Needs python3 with duckdb==2.0.0 and hyperfine. Generates the default history (about
# 375 MB) into a temporary directory, removed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bench=${DORA_BENCH_DIR:-$here/../shared/bench/dora}
kiosque=${1:-$here/target/release/kiosque}
runs=${RUNS:-5}
[[ -x $kiosque ]] || { echo "no kiosque binary at $kiosque (cargo build --release)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=$work/dora

echo "== generating the default history"
python3 "$bench/gen.py" "$data" >/dev/null

echo "== DuckDB reference (load and query timed apart, $runs runs)"
python3 "$bench/run_baseline.py" "$data" --runs "$runs" --out "$work/reference.csv" | tee "$work/duckdb.txt"

db=$work/kiosque.db
echo "== kiosque dora import (into an empty database each run)"
hyperfine --runs "$runs" --prepare "rm -f $db $db-wal $db-shm" \
    --export-json "$work/import.json" \
    "$kiosque dora import $data --database sqlite://$db"
"$kiosque" dora import "$data" --database "sqlite://$db"

echo "== kiosque dora report --format csv (organisation, every team and service, 90 days)"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/report.json" \
    "$kiosque dora report --format csv --database sqlite://$db > $work/kiosque.csv"

echo "== ratios (kiosque / DuckDB, medians)"
python3 - "$work" <<'PY'
import csv, json, re, sys
work = sys.argv[1]
summary = json.loads(open(f"{work}/duckdb.txt").read().strip().splitlines()[-1])
load, query = summary["load_s"]["median"], summary["query_s"]["median"]
imp = json.load(open(f"{work}/import.json"))["results"][0]["median"]
rep = json.load(open(f"{work}/report.json"))["results"][0]["median"]
print(f"import {imp:.3f} s vs DuckDB load {load:.3f} s: {imp / load:.2f}x (target: at most 3x)")
print(f"report {rep:.3f} s vs DuckDB query {query:.3f} s: {rep / query:.2f}x (target: at most 1x)")

ours = list(csv.reader(open(f"{work}/kiosque.csv")))
ref = list(csv.reader(open(f"{work}/reference.csv")))
if ours[0] != ref[0] or len(ours) != len(ref):
    sys.exit(f"different header or row count: {len(ours)} rows against {len(ref)}")
bad = 0
for n, (a, b) in enumerate(zip(ours, ref), 1):
    for column, x, y in zip(ref[0], a, b):
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
            if abs(fx - fy) <= 1e-9 * max(abs(fx), abs(fy)):
                continue
        except ValueError:
            pass
        bad += 1
        if bad <= 10:
            print(f"row {n} {column}: kiosque {x!r}, reference {y!r}")
print(f"compared {len(ref) - 1} rows: {'identical within 1e-9' if bad == 0 else f'{bad} fields differ'}")
sys.exit(1 if bad else 0)
PY
