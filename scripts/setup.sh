#!/bin/sh
# Installs with apt what chiso needs and a fresh Debian machine lacks: gcc and g++ (DuckDB is
# linked through cgo), Node.js and npm (ECharts, and the browser test's playwright-core, come
# from the npm registry) and, with --browser, Chromium for the browser test. Says nothing when
# everything is there. As root it runs apt-get; otherwise it prints the command to run and fails.
#
# Usage: scripts/setup.sh [--browser]
set -eu

browser=false
bench=false
case "${1-}" in
--browser) browser=true ;;
--bench) bench=true ;;
"") ;;
*) echo "usage: scripts/setup.sh [--browser|--bench]" >&2; exit 2 ;;
esac

pkgs=""
command -v gcc >/dev/null 2>&1 || pkgs="$pkgs gcc"
command -v g++ >/dev/null 2>&1 || pkgs="$pkgs g++"
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
if $bench; then
	# make bench and make soak: load generator, a static server to compare with, timing tools.
	command -v wrk >/dev/null 2>&1 || pkgs="$pkgs wrk"
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || pkgs="$pkgs nginx-light"
	command -v hyperfine >/dev/null 2>&1 || pkgs="$pkgs hyperfine"
	command -v curl >/dev/null 2>&1 || pkgs="$pkgs curl"
	command -v taskset >/dev/null 2>&1 || pkgs="$pkgs util-linux"
fi
if $browser; then
	if [ -n "${CHROMIUM-}" ]; then
		# A browser of one's own: not ours to install.
		[ -x "$CHROMIUM" ] || { echo "setup: CHROMIUM=$CHROMIUM is not an executable file" >&2; exit 1; }
	elif [ ! -x /usr/bin/chromium ]; then
		pkgs="$pkgs chromium fonts-liberation"
	fi
	# The replica test runs the documented deployment: chiso behind nginx.
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || pkgs="$pkgs nginx-light"
	# playwright-core 1.61 is the newest that runs on Debian 12's Node.js 18.
	if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
		echo "setup: the browser test needs Node.js 18 or newer, found $(node --version)" >&2
		exit 1
	fi
fi
[ -n "$pkgs" ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup: chiso needs$pkgs (Debian package names); install them with your package manager" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: chiso needs$pkgs; install them (as root) with" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$pkgs" >&2
	echo "and run make again." >&2
	exit 1
fi
echo "setup: installing$pkgs with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
log=$(mktemp)
# shellcheck disable=SC2086 # $pkgs is a list of words
if ! apt-get install -y -qq --no-install-recommends $pkgs >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	# Quiet, apt says only that it failed; a dry run says why (a conflict, a held package).
	echo "setup: apt-get could not install$pkgs; its dry run says:" >&2
	# shellcheck disable=SC2086
	apt-get install -s --no-install-recommends $pkgs 2>&1 | grep -v '^Reading\|^Building' | tail -n 20 >&2 || true
	exit 1
fi
rm -f "$log"
