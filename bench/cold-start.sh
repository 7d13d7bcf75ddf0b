#!/usr/bin/env bash
# Seconds from `kiosque serve` starting to /readyz answering 200, on an
# already filled database; then the resident memory once the first refresh
# of the sources (which runs at start) is over.
# Usage: bench/cold-start.sh DATABASE_URL [RUNS]
set -euo pipefail
url=$1
runs=${2:-5}
bin=${KIOSQUE_BIN:-target/release/kiosque}
port=7391
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  KIOSQUE_REFRESH_INTERVAL=0 "$bin" serve --database "$url" --listen 127.0.0.1:$port >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:$port/readyz; do sleep 0.005; done
  end=$(date +%s.%N)
  sleep 10  # past the first refresh of the sources
  rss=$(ps -o rss= -p $pid)
  echo "ready_seconds=$(echo "$end - $start" | bc) rss_mib=$((rss / 1024))"
  kill $pid
  wait $pid 2>/dev/null || true
done
