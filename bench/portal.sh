#!/usr/bin/env bash
# Server time of the portal's pages over 100,000 entities: wrk over one
# connection (each request alone: its server time), the 95th percentile
# of each page kind, and the compressed size of each page.
# Usage: bench/portal.sh BASE_URL
set -euo pipefail
base=${1:-http://127.0.0.1:7070}
pages=(
  "/"
  "/catalog"
  "/catalog?kind=component&lifecycle=production"
  "/catalog?kind=component&lifecycle=production&type=service&sort=owner&page=3"
  "/catalog?q=payment&kind=component"
  "/catalog/default/component/svc-000001"
  "/catalog/default/group/team-00872"
  "/catalog/default/component/svc-000001/graph?depth=2"
  "/teams"
  "/search?q=payment"
  "/docs"
  "/whats-new"
)
for page in "${pages[@]}"; do
  size=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$base$page")
  result=$(wrk -t1 -c1 -d6s -s bench/wrk/p95.lua "$base$page" | tail -1)
  echo "$page | $result | ${size} B gzip"
done
# What a first visit transfers: the page, the stylesheets and the script.
assets=$(curl -s "$base/" | grep -o '/assets/[^"]*' | sed 's/&amp;/\&/g')
total=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$base/catalog")
for asset in $assets; do
  total=$((total + $(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$base$asset")))
done
echo "catalog page with its assets, compressed: $total B"
