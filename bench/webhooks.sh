#!/usr/bin/env bash
# Webhook ingestion: signed GitHub push deliveries posted over loopback by
# wrk for 10 s, each a new delivery; then the deliveries recorded in the
# store are counted back against the requests wrk completed.
# Usage: bench/webhooks.sh [KIOSQUE_BINARY] [CONNECTIONS]
set -euo pipefail
bin=${1:-target/release/kiosque}
connections=${2:-16}
work=$(mktemp -d)
port=7393
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
secret=bench-webhook-secret-0123456789
KIOSQUE_GITHUB_WEBHOOK_SECRET=$secret KIOSQUE_REFRESH_INTERVAL=0 \
  "$bin" serve --database "sqlite://$work/k.db" --listen 127.0.0.1:$port >"$work/serve.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:$port/readyz; do sleep 0.05; done
# Distinct pushes, each bringing a new commit, signed as GitHub does.
export BODIES=$work/bodies.tsv
python3 - "$secret" "$BODIES" <<'PY'
import hashlib, hmac, json, sys
secret, out = sys.argv[1].encode(), sys.argv[2]
with open(out, "w") as f:
    for i in range(200_000):
        sha = hashlib.sha1(str(i).encode()).hexdigest()
        body = json.dumps({"ref": "refs/heads/main", "before": "0" * 40, "after": sha,
            "repository": {"full_name": "example/svc-%06d" % (i % 500), "default_branch": "main", "pushed_at": 1709550000},
            "commits": [{"id": sha, "timestamp": "2024-03-04T09:30:00Z", "author": {"name": "Mona", "username": "mona"}}],
            "head_commit": {"id": sha}}, separators=(",", ":"))
        signature = "sha256=" + hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
        f.write(signature + "\t" + body + "\n")
PY
wrk -t2 -c"$connections" -d10s -s bench/wrk/webhook.lua "http://127.0.0.1:$port/api/webhooks/github" | tee "$work/wrk.txt"
sleep 1
stored=$(python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
deliveries = db.execute('SELECT COUNT(*) FROM delivery_webhook_deliveries').fetchone()[0]
print(deliveries)" "$work/k.db")
sent=$(grep '^requests ' "$work/wrk.txt" | awk '{print $2}' | tr -d ,)
echo "deliveries completed by wrk: $sent; recorded by kiosque: $stored"
