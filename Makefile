# chiso: `make run` sets up and starts the service on the bundled data (http://localhost:8080);
# `make test` sets up and runs every test.
export CGO_ENABLED=1
GO ?= go

.PHONY: setup build run test lint fuzz bench clean

setup:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is needed: https://go.dev/dl/"; exit 1; }
	@command -v gcc >/dev/null || { echo "gcc is needed for DuckDB (cgo): apt-get install -y gcc g++"; exit 1; }
	$(GO) mod download

build: setup
	$(GO) build -o bin/chiso ./cmd/chiso

run: build
	./bin/chiso serve

test: setup
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) test -race ./...

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
	rm -rf bin
