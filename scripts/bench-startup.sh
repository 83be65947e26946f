#!/usr/bin/env bash
# Time from starting `chiso serve` (no flags: in-memory, bundled data) to the first 200 on
# /healthz, over several runs, on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./bin/chiso
runs=${RUNS:-10}
port=${PORT:-18080}
times=()
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  CHISO_ADDR=127.0.0.1:$port $bin serve 2>/dev/null &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; do
    if ! kill -0 $pid 2>/dev/null; then echo "chiso serve exited" >&2; exit 1; fi
    sleep 0.005
  done
  end=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  times+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "startup to first 200 on /healthz over $runs runs: min ${sorted[0]} ms, median ${sorted[$((runs/2))]} ms, max ${sorted[$((runs-1))]} ms"
