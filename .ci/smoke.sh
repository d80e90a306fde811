#!/usr/bin/env bash
# Starts the built `switchboard serve` on the embedded default, checks it answers,
# logs in as the generated administrator, then stops it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
port=$((20000 + RANDOM % 20000))
node packages/server/dist/cli.js serve --port "$port" --host 127.0.0.1 --db "$dir/switchboard.db" --log-level warn >"$dir/out.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz"; echo
password="$(sed -n 's/.*with the password: \(.*\)$/\1/p' "$dir/out.log")"
[ -n "$password" ] || { echo "smoke: no generated admin password was printed"; cat "$dir/out.log"; exit 1; }
curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | grep -q '"token"'
kill -TERM "$pid"
wait "$pid"
echo "smoke: ok"
