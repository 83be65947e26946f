# chiso: `make run` sets up and starts the service on the bundled data (http://localhost:8080);
# `make test` sets up and runs every test.
export CGO_ENABLED=1
GO ?= go

.PHONY: setup assets build run test lint fuzz bench clean

setup: assets
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is needed: https://go.dev/dl/"; exit 1; }
	@command -v gcc >/dev/null || { echo "gcc is needed for DuckDB (cgo): apt-get install -y gcc g++"; exit 1; }
	$(GO) mod download

# ECharts (and, for the browser test, playwright-core) come from the npm registry, pinned in
# package-lock.json; chiso embeds ECharts and serves it at /assets/.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed to install ECharts: apt-get install -y nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund

web/static/vendor/echarts.min.js: node_modules/.package-lock.json
	mkdir -p web/static/vendor
	cp node_modules/echarts/dist/echarts.min.js $@

assets: web/static/vendor/echarts.min.js

build: setup
	$(GO) build -o bin/chiso ./cmd/chiso

run: build
	./bin/chiso serve

# The browser test (server.TestBrowser) drives Debian's chromium; CHISO_E2E=1 makes a
# missing browser a failure, not a skip.
test: setup
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	CHISO_E2E=1 $(GO) test -race ./...

lint: setup
	test -z "$$(gofmt -l .)"
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzResolve -fuzztime=30s ./datasets
	$(GO) test -run='^$$' -fuzz=FuzzTrend -fuzztime=30s ./analytics

bench: build
	$(GO) test -run='^$$' -bench=. -benchmem -timeout=30m ./analytics ./datasets ./server
	./scripts/bench-startup.sh

clean:
	rm -rf bin web/static/vendor
