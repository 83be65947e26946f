# chiso: `make run` sets up and starts the service on the bundled data (http://127.0.0.1:8080);
# `make test` sets up and runs every test. Setting up installs what is missing (see `setup`).
export CGO_ENABLED=1
# Go: on PATH, or where the official tarball puts it.
export PATH := $(PATH):/usr/local/go/bin
GO ?= $(firstword $(shell command -v go) $(wildcard /usr/local/go/bin/go) go)
GOFMT = $(shell $(GO) env GOROOT)/bin/gofmt

.PHONY: setup tools assets build run test lint fuzz bench soak clean

# setup installs, when missing, gcc and g++ (cgo), Node.js and npm, and for `make test` also
# Chromium (scripts/setup.sh: apt-get as root, otherwise it prints the command), then the npm
# packages pinned in package-lock.json, and copies ECharts to web/static/vendor. Quiet when
# everything is there.
setup: assets

tools:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is needed (https://go.dev/dl/, installed in /usr/local/go)"; exit 1; }
	@scripts/setup.sh $(SETUP_FLAGS)

# The browser test (cmd/chiso TestBrowser) needs Chromium; `make run` does not.
test: SETUP_FLAGS = --browser

# ECharts (and, for the browser test, playwright-core) come from the npm registry, pinned in
# package-lock.json; chiso embeds ECharts and serves it at /assets/.
node_modules/.package-lock.json: package.json package-lock.json | tools
	npm ci --no-audit --no-fund --loglevel=error

web/static/vendor/echarts.min.js: node_modules/.package-lock.json
	@mkdir -p web/static/vendor
	cp node_modules/echarts/dist/echarts.min.js $@

assets: tools web/static/vendor/echarts.min.js

build: setup
	$(GO) build -o bin/chiso ./cmd/chiso

run: build
	./bin/chiso serve

# CHISO_E2E=1 makes a missing browser a failure of the browser test, not a skip.
test: setup
	@test -z "$$($(GOFMT) -l .)" || { echo "gofmt needed:"; $(GOFMT) -l .; exit 1; }
	$(GO) vet ./...
	CHISO_E2E=1 $(GO) test -race ./...

lint: setup
	test -z "$$($(GOFMT) -l .)"
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# fuzz runs every fuzz target for FUZZTIME each, from the seed corpus (f.Add, testdata) and
# what earlier runs committed under testdata/fuzz; a failing input lands there to be committed.
FUZZTIME ?= 15s
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzResolve$$' -fuzztime=$(FUZZTIME) ./datasets
	$(GO) test -run='^$$' -fuzz='^FuzzIngestCSV$$' -fuzztime=$(FUZZTIME) ./datasets
	$(GO) test -run='^$$' -fuzz='^FuzzIngestXLSX$$' -fuzztime=$(FUZZTIME) ./datasets
	$(GO) test -run='^$$' -fuzz='^FuzzQuery$$' -fuzztime=$(FUZZTIME) ./server
	$(GO) test -run='^$$' -fuzz='^FuzzTrend$$' -fuzztime=$(FUZZTIME) ./analytics

bench: build
	./scripts/setup.sh --bench
	$(GO) test -run='^$$' -bench=. -benchmem -timeout=60m ./analytics ./datasets ./report ./server ./cmd/chiso
	./scripts/bench-startup.sh
	PATH="$$PATH:/usr/sbin" ./scripts/bench-http.sh

# soak: chiso serve on a free 127.0.0.1 port at saturation (wrk) on API, chart, embed and page
# routes for SOAK_SECONDS (default 600); fails on any 5xx or on RSS/goroutine growth after warm-up.
soak: build
	./scripts/soak.sh

clean:
	rm -rf bin web/static/vendor
