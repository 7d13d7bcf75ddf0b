#!/usr/bin/env bash
# Time to visibility: a descriptor changed on disk, a refresh requested, the
# change read back through the API. Needs a running `kiosque serve` whose
# locations include FILE, and its API token.
# Usage: bench/visibility.sh BASE_URL TOKEN FILE ENTITY_PATH RUNS
set -euo pipefail
base=$1 token=$2 file=$3 entity=$4 runs=${5:-5}
for i in $(seq "$runs"); do
  marker="visibility-$i-$RANDOM"
  # Change the first description of the file.
  sed -i "0,/description: .*/s//description: $marker/" "$file"
  start=$(date +%s.%N)
  curl -sf -X POST -H "Authorization: Bearer $token" "$base/api/catalog/refresh" >/dev/null
  until curl -sf "$base$entity" | grep -q "$marker"; do sleep 0.01; done
  end=$(date +%s.%N)
  echo "visible_after_seconds=$(echo "$end - $start" | bc)"
done
