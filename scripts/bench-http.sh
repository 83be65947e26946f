#!/usr/bin/env bash
# chiso against nginx (sendfile on, as Debian ships it) serving the same bytes as static files, on 127.0.0.1 only: chiso (or
# nginx) pinned to core 0, wrk to core 1, one route at a time. Prints one table: requests per
# second, the ratio to nginx, p50 and p99 for the cached answers, and the first (uncached) hit.
# Needs wrk, nginx and taskset (make bench installs them). DURATION sets seconds per run; each
# route runs RUNS times (default 2) on each server, alternately, and the best run of each counts.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./bin/chiso
dur=${DURATION:-10}
conns=${CONNS:-32}
runs=${RUNS:-2}
port=${PORT:-18180}
nport=${NGINX_PORT:-18181}
for tool in wrk nginx taskset curl; do
  command -v $tool >/dev/null || { echo "bench-http: $tool is needed (apt-get install -y wrk nginx-light util-linux curl)" >&2; exit 1; }
done
work=$(mktemp -d)
chmod 755 "$work" # nginx's workers run as another user, who must be able to read the files it serves
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

routes=(
  "observations|/api/v1/observations?indicator=pci&provinces=93,92,94,89,91&from=2006&to=2024"
  "ranking|/api/v1/rankings?indicator=pci&year=2016"
  "chart option|/charts/line.json?indicator=pci&provinces=93,92,94"
  "embed|/embed/ranking?indicator=pci&year=2016"
  "profile page|/provinces/93"
  "png|/charts/line.png?indicator=pci&provinces=93,92"
)

taskset -c 0 $bin serve --addr 127.0.0.1:$port 2>/dev/null &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; do
  kill -0 $pid 2>/dev/null || { echo "chiso serve exited" >&2; exit 1; }
  sleep 0.01
done

# The first hit of each route is computed (nothing is cached yet); keep its bytes for nginx.
mkdir -p "$work/root"
declare -A first types
i=0
for r in "${routes[@]}"; do
  name=${r%%|*}; path=${r#*|}
  out=$(curl -s -o "$work/root/r$i" -w '%{time_total} %{content_type}' "http://127.0.0.1:$port$path")
  first[$i]=$(awk '{printf "%.1f", $1*1000}' <<<"$out")
  types[$i]=$(cut -d' ' -f2- <<<"$out" | cut -d';' -f1)
  i=$((i+1))
done

{
  echo "worker_processes 1; daemon on; pid $work/nginx.pid; error_log $work/error.log;"
  echo "events { worker_connections 4096; }"
  echo "http { access_log off; sendfile on; tcp_nopush on; server { listen 127.0.0.1:$nport; root $work/root;"
  for j in $(seq 0 $((i-1))); do
    echo "  location = /r$j { default_type ${types[$j]}; etag on; }"
  done
  echo "} }"
} > "$work/nginx.conf"
chmod -R a+rX "$work/root"
taskset -c 0 nginx -c "$work/nginx.conf"
sleep 0.3
# nginx must answer 200 with chiso's bytes, or the comparison is with an error page.
for j in $(seq 0 $((i-1))); do
  if ! curl -fs "http://127.0.0.1:$nport/r$j" | cmp -s - "$work/root/r$j"; then
    echo "bench-http: nginx does not serve /r$j as chiso's bytes" >&2; exit 1
  fi
done

# run URL → "req/s p50_ms p99_ms"
run() {
  taskset -c 1 wrk -t1 -c"$conns" -d"${dur}s" --latency "$1" | awk '
    /Non-2xx/ {print "bench-http: " $0 " from '"$1"'" > "/dev/stderr"; bad=1}
    /Requests\/sec/ {rps=$2}
    $1=="50%" {p50=$2} $1=="99%" {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END {if (bad) exit 1; printf "%s %.2f %.2f", rps, ms(p50), ms(p99)}'
}

printf "%-14s %10s %10s %6s %8s %8s %12s %8s\n" route chiso nginx ratio p50_ms p99_ms first_hit_ms bytes
i=0
for r in "${routes[@]}"; do
  name=${r%%|*}; path=${r#*|}
  crps=0 nrps=0
  for _ in $(seq "$runs"); do
    out=$(run "http://127.0.0.1:$port$path") || exit 1
    read -r rps p50 p99 <<<"$out"
    if awk -v a="$rps" -v b="$crps" 'BEGIN{exit !(a>b)}'; then crps=$rps cp50=$p50 cp99=$p99; fi
    out=$(run "http://127.0.0.1:$nport/r$i") || exit 1
    read -r rps p50 p99 <<<"$out"
    if awk -v a="$rps" -v b="$nrps" 'BEGIN{exit !(a>b)}'; then nrps=$rps; fi
  done
  ratio=$(awk -v a="$crps" -v b="$nrps" 'BEGIN{printf "%.2f", a/b}')
  printf "%-14s %10.0f %10.0f %6s %8s %8s %12s %8s\n" "$name" "$crps" "$nrps" "$ratio" "$cp50" "$cp99" "${first[$i]}" "$(stat -c %s "$work/root/r$i")"
  i=$((i+1))
done
