#!/usr/bin/env bash
# Loads generated catalog data into a minimal Backstage catalog backend
# (PostgreSQL, via scripts/with-postgres) and measures it.
#
#   bench/backstage/run.sh ENTITIES
#
# Prints: entities, seconds until /api/catalog/entity-facets?facet=kind
# reports all of them, wrk figures for one by-name lookup, and the backend's
# resident memory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
gen=${BENCH_GEN:-$repo/../shared/bench/catalog/gen.py}
port=7007
base=http://127.0.0.1:$port

say() { printf 'backstage-bench: %s\n' "$*" >&2; }

# Inner mode: runs inside with-postgres.
if [[ ${1:-} == --inner ]]; then
    expected=$2 data=$3 work=$4
    url=${KIOSQUE_TEST_POSTGRES_URL:?not run under with-postgres}
    hostport=${url#*@}; hostport=${hostport%%/*}
    export BENCH_PG_HOST=${hostport%:*} BENCH_PG_PORT=${hostport#*:}
    export BENCH_DATA_DIR=$data
    psql -q -h "$BENCH_PG_HOST" -p "$BENCH_PG_PORT" -U postgres -d postgres \
        -c 'CREATE DATABASE backstage' >/dev/null

    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        say "port $port is already in use"; exit 1
    fi

    log=$work/backend.log
    cd "$here"
    start=$(date +%s.%N)
    NODE_ENV=production node index.js --config "$here/app-config.yaml" >"$log" 2>&1 &
    pid=$!
    trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT

    loaded=0 count=0
    deadline=$(( $(date +%s) + 1800 ))
    while (( $(date +%s) < deadline )); do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "backend exited; last log lines:"; tail -30 "$log" >&2; exit 1
        fi
        body=$(curl -sf "$base/api/catalog/entity-facets?facet=kind" || true)
        if [[ -n $body ]]; then
            # Location entities are Backstage's own bookkeeping: not counted.
            count=$(printf '%s' "$body" | python3 -c '
import json, sys
f = json.load(sys.stdin)["facets"]["kind"]
print(sum(x["count"] for x in f if x["value"] != "Location"))')
            if (( count >= expected )); then loaded=1; break; fi
        fi
        sleep 2
    done
    end=$(date +%s.%N)
    load=$(python3 -c "print(f'{$end - $start:.1f}')")
    if (( ! loaded )); then
        say "gave up after ${load}s with $count of $expected entities; log: $log"
        tail -30 "$log" >&2
        exit 1
    fi

    target=$base/api/catalog/entities/by-name/component/default/svc-000001
    curl -sf -o /dev/null "$target" || { say "GET $target failed"; exit 1; }
    wrk_out=$(wrk -t2 -c64 -d15s --latency "$target")
    rss_kb=$(ps -o rss= -p "$pid" | tr -d ' ')
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$wrk_out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$wrk_out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$wrk_out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$wrk_out")
    printf '%s\n' "$wrk_out" >&2
    printf 'backstage entities=%s load_s=%s req_s=%s p50=%s p99=%s non2xx=%s rss_mib=%s\n' \
        "$expected" "$load" "$rps" "$p50" "$p99" "${non2xx:-0}" "$((rss_kb / 1024))"
    exit 0
fi

[[ $# -eq 1 && $1 =~ ^[0-9]+$ ]] || { echo "usage: $0 ENTITIES" >&2; exit 2; }

if [[ ! -d $here/node_modules ]]; then
    say "installing npm packages"
    (cd "$here" && npm ci --no-audit --no-fund >&2)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/backstage-bench.XXXXXX")
say "work directory: $work (kept: holds the backend log)"
summary=$(python3 "$gen" "$work/data" --entities "$1")
expected=$(printf '%s' "$summary" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entities"])')
say "generated $expected entities"
"$repo/scripts/with-postgres" bash "$here/run.sh" --inner "$expected" "$work/data" "$work"
