#!/usr/bin/env bash
# Soak: run `chiso serve` (in memory, bundled data) on a free port of 127.0.0.1 and keep it at
# saturation with wrk on a mix of API, chart, embed and page routes for SOAK_SECONDS (default
# 600), one wrk per route at the same time, each cycling through URLs that differ by province
# or year. Every 10 s it samples the server's RSS (/proc) and goroutines (/debug/vars on
# --debug-addr). It fails on any response >= 500, or if RSS or goroutines grow after warm-up
# (every URL fetched once, then the first 30% of the run): the mean of the last three samples may exceed the mean of the
# first three after warm-up by at most 15% + 16 MiB (RSS) and 20% + 10 (goroutines).
# Prints req/s and p50/p99 latency per route. Needs wrk, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SOAK_SECONDS:-600}
conns=${SOAK_CONNS:-4} # connections per route
bin=${CHISO_BIN:-./bin/chiso}
for tool in wrk curl python3; do
  command -v $tool >/dev/null || { echo "soak: $tool is needed" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "soak: $bin missing (make build)" >&2; exit 1; }

work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Port 0: the kernel picks free ports; chiso logs the addresses it listens on. Request logs
# are dropped; warnings, errors and any 5xx are kept.
"$bin" serve --addr 127.0.0.1:0 --debug-addr 127.0.0.1:0 2> >(grep --line-buffered -E '"level":"(WARN|ERROR)"|"status":5|listening' >"$work/serve.log") &
pid=$!
addr= debug=
for _ in $(seq 200); do
  addr=$(grep -o '"msg":"chiso listening","addr":"[^"]*"' "$work/serve.log" 2>/dev/null | sed 's/.*"addr":"//; s/"$//' || true)
  debug=$(grep -o '"msg":"chiso debug listening","addr":"[^"]*"' "$work/serve.log" 2>/dev/null | sed 's/.*"addr":"//; s/"$//' || true)
  [ -n "$addr" ] && [ -n "$debug" ] && break
  kill -0 $pid 2>/dev/null || { echo "soak: chiso serve exited" >&2; cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "soak: chiso serve did not start" >&2; exit 1; }
base=http://$addr
echo "soak: chiso serve (PID $pid) on $base, debug on $debug, $secs s, $conns connections per route"

# The province codes of the 63 units (2020), for URLs that differ by province.
codes=$(curl -fsS "$base/api/v1/provinces?as_of=2020-12-31" | python3 -c 'import json,sys; print(" ".join(u["code"] for u in json.load(sys.stdin)["data"]))')

# routes: name and URL template; {p} is a province code, {y} a year.
routes=(
  "api-observations /api/v1/observations?indicator=pci&provinces={p}&from=2006&to=2024"
  "api-rankings /api/v1/rankings?indicator=pci&year={y}"
  "api-trends /api/v1/trends?indicator=pci&provinces={p}"
  "chart-line-png /charts/line.png?indicator=pci&provinces={p}"
  "chart-ranking-svg /charts/ranking.svg?indicator=pci&year={y}"
  "embed-line /embed/line?indicator=pci&provinces={p}"
  "page-profile /provinces/{p}"
  "page-compare /compare?provinces={p},92,94&indicator=pci"
  "page-overview /"
)
years="2006 2007 2008 2009 2010 2011 2012 2013 2014 2015 2016 2017 2018 2019 2020 2021 2022 2023 2024"

# One Lua script per route: cycle through its URLs, count responses >= 500.
for r in "${routes[@]}"; do
  name=${r%% *} tmpl=${r#* }
  {
    echo "paths = {"
    if [[ $tmpl == *"{p}"* ]]; then
      for c in $codes; do echo "${tmpl//\{p\}/$c}"; done
    elif [[ $tmpl == *"{y}"* ]]; then
      for y in $years; do echo "${tmpl//\{y\}/$y}"; done
    else
      echo "$tmpl"
    fi >"$work/$name.urls"
    sed 's/.*/  "&",/' "$work/$name.urls"
    cat <<'LUA'
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) i = math.random(#paths); s5xx = 0; s2xx = 0; other = 0 end
function request() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1 elseif status < 300 then s2xx = s2xx + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local n5, n2, no = 0, 0, 0
  for _, t in ipairs(threads) do n5 = n5 + t:get("s5xx"); n2 = n2 + t:get("s2xx"); no = no + t:get("other") end
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f s2xx=%d other=%d s5xx=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, n2, no, n5,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
  } >"$work/$name.lua"
done

# Warm-up: every URL once, one at a time, so that the timed run finds the answers cached.
# (Cold, at saturation, the limiter sheds the renders it cannot queue with 503 + Retry-After,
# by design; the soak is about a warm server staying flat.) None may be >= 500.
cat "$work"/*.urls | sed "s|.*|url = \"$base&\"\noutput = /dev/null|" >"$work/prime.curl"
prime_start=$(date +%s)
statuses=$(curl -sS -K "$work/prime.curl" -w '%{http_code}\n')
n=$(echo "$statuses" | wc -l)
bad=$(echo "$statuses" | awk '$1 >= 500 || $1 < 200' | wc -l)
echo "soak: warm-up: $n URLs in $(( $(date +%s) - prime_start )) s, $bad not 2xx-4xx"
[ "$bad" -eq 0 ] || { echo "soak: FAIL: warm-up responses >= 500" >&2; exit 1; }

sample() {
  local rss gor
  rss=$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status)
  gor=$(curl -fsS "http://$debug/debug/vars" | python3 -c 'import json,sys; print(json.load(sys.stdin)["goroutines"])')
  echo "$1 $rss $gor" >>"$work/samples"
  printf 'soak: t=%4ss RSS %6d KiB, goroutines %d\n' "$1" "$rss" "$gor"
}

wpids=()
for r in "${routes[@]}"; do
  name=${r%% *}
  wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s -s "$work/$name.lua" "$base" >"$work/$name.out" 2>&1 &
  wpids+=($!)
done
start=$(date +%s)
sample 0
while :; do
  sleep 10
  t=$(( $(date +%s) - start ))
  [ "$t" -gt "$secs" ] && break
  kill -0 $pid 2>/dev/null || { echo "soak: chiso serve died" >&2; cat "$work/serve.log" >&2; exit 1; }
  sample "$t"
done
for p in "${wpids[@]}"; do wait "$p" || true; done

fail=0
printf '\n%-18s %10s %10s %10s %10s %8s %8s\n' route req/s p50_ms p99_ms requests non2xx 5xx
for r in "${routes[@]}"; do
  name=${r%% *}
  line=$(grep '^RESULT' "$work/$name.out" || true)
  if [ -z "$line" ]; then echo "soak: no result for $name:" >&2; cat "$work/$name.out" >&2; fail=1; continue; fi
  eval "${line#RESULT }"
  printf '%-18s %10s %10s %10s %10s %8s %8s\n' "$name" "$rps" "$p50_ms" "$p99_ms" "$requests" "$other" "$s5xx"
  if [ "$s5xx" -ne 0 ]; then echo "soak: FAIL: $name had $s5xx responses >= 500" >&2; fail=1; fi
  if [ "$errors" -ne 0 ]; then echo "soak: FAIL: $name had $errors socket errors or timeouts" >&2; fail=1; fi
done
if grep -q '"status":5' "$work/serve.log"; then
  echo "soak: FAIL: the server logged 5xx responses:" >&2; grep '"status":5' "$work/serve.log" | head -5 >&2; fail=1
fi
python3 - "$work/samples" "$secs" <<'PY' || fail=1
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
secs = int(sys.argv[2])
warm = [r for r in rows if r[0] >= max(30, secs * 0.3)]
if len(warm) < 6:
    print(f"soak: {len(warm)} samples after warm-up; growth not checked (run longer)")
    sys.exit(0)
mean = lambda xs: sum(xs) / len(xs)
first, last = warm[:3], warm[-3:]
rss0, rss1 = mean([r[1] for r in first]), mean([r[1] for r in last])
g0, g1 = mean([r[2] for r in first]), mean([r[2] for r in last])
print(f"soak: after warm-up RSS {rss0/1024:.1f} → {rss1/1024:.1f} MiB (max {max(r[1] for r in warm)/1024:.1f}), goroutines {g0:.0f} → {g1:.0f} (max {max(r[2] for r in warm)})")
bad = False
if rss1 > rss0 * 1.15 + 16 * 1024:
    print("soak: FAIL: RSS grew after warm-up"); bad = True
if g1 > g0 * 1.2 + 10:
    print("soak: FAIL: goroutines grew after warm-up"); bad = True
sys.exit(1 if bad else 0)
PY
if [ "$fail" -ne 0 ]; then echo "soak: FAILED" >&2; exit 1; fi
echo "soak: OK"
