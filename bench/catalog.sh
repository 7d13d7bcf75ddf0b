#!/usr/bin/env bash
# The catalog benchmarks of BENCHMARKS.md, with public tools (hyperfine, wrk).
# Usage: bench/catalog.sh [ENTITIES]   (default 100000; data from ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
python3 ../shared/bench/catalog/gen.py "$work/data" --entities "$n"
cargo build --release --quiet
bin=target/release/kiosque
db="$work/catalog.db"

echo "== import into an empty SQLite store, against reading the same files with cat"
hyperfine --warmup 1 --runs 5 \
  --prepare "rm -f $db $db-wal $db-shm" "$bin catalog import $work/data --database sqlite://$db --quiet" \
  "find $work/data -type f -print0 | xargs -0 cat > /dev/null"
echo "== re-import, nothing changed"
hyperfine --warmup 1 --runs 5 "$bin catalog import $work/data --database sqlite://$db --quiet"

echo "== cold start to ready, and resident memory"
KIOSQUE_BIN=$bin bench/cold-start.sh "sqlite://$db" 5

echo "== requests over loopback, 64 connections"
KIOSQUE_API_TOKEN=bench-token-0123456789 KIOSQUE_REFRESH_INTERVAL=0 "$bin" serve --database "sqlite://$db" --listen 127.0.0.1:7070 >/dev/null 2>&1 &
until curl -sf -o /dev/null http://127.0.0.1:7070/readyz; do sleep 0.05; done
base=http://127.0.0.1:7070
wrk -t2 -c64 -d15s --latency -s bench/wrk/by-name.lua "$base/"
wrk -t2 -c64 -d15s --latency "$base/api/catalog/entities?filter=kind=component,spec.lifecycle=production&limit=100"
wrk -t2 -c64 -d15s --latency "$base/api/catalog/entities/by-query?filter=kind=component,spec.lifecycle=production&limit=100"
wrk -t2 -c64 -d15s --latency -s bench/wrk/search.lua "$base/"
wrk -t2 -c64 -d15s --latency "$base/api/catalog/entity-facets?facet=kind"
wrk -t2 -c64 -d15s --latency "$base/api/catalog/entity-facets?facet=spec.owner"

echo "== time to visibility of a changed descriptor"
file=$(find "$work/data/repos" -name catalog-info.yaml | head -1)
name=$(grep -m1 '^  name:' "$file" | awk '{print $2}')
bench/visibility.sh "$base" bench-token-0123456789 "$file" "/api/catalog/entities/by-name/component/default/$name" 5
