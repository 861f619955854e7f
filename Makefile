# cors-wasm build, test and run targets. `make help` lists them.
GO        ?= go
WASM      := build/cors.wasm
WASM_MAIN := ./cmd/cors-wasm
FUZZTIME  ?= 30s
BENCHCOUNT ?= 6
BENCHTIME ?= 300ms

.PHONY: help build test check bench fuzz run oci clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: $(WASM) ## build the plugin: build/cors.wasm (standard Go, wasip1 reactor)

$(WASM): go.mod go.sum $(shell find . -name '*.go' -not -path './build/*' -not -name '*_test.go')
	@mkdir -p build
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -ldflags='-s -w' -o $(WASM) $(WASM_MAIN)
	@echo "built $(WASM): $$(wc -c < $(WASM)) bytes"

test: build ## every test: unit, fuzz seeds, plugin, e2e, browser, deployment files
	$(GO) test -count=1 ./...

check: ## gofmt, go vet, go mod tidy (must leave a clean tree), then every test
	@test -z "$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null)" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) mod tidy
	@git diff --exit-code -- go.mod go.sum || { echo "go mod tidy changed go.mod/go.sum: commit the result"; exit 1; }
	$(MAKE) test

bench: build ## benchmark suite (-benchmem -count BENCHCOUNT) -> build/bench.txt, benchstat, BENCHMARKS.md
	@mkdir -p build
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) -benchtime $(BENCHTIME) ./bench | tee build/bench.txt
	$(GO) tool benchstat build/bench.txt > build/benchstat.txt
	$(GO) run ./internal/benchreport -in build/bench.txt -benchstat build/benchstat.txt -out BENCHMARKS.md

fuzz: ## run every fuzz target for FUZZTIME each
	@for t in $$($(GO) test -list '^Fuzz' ./policy/ | grep '^Fuzz'); do \
		echo "== $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./policy/ || exit 1; done

# make run's ports; override any of them: make run PORT=10001 API_PORT=8081 PAGE_PORT=3001
PORT      ?= 10000
API_PORT  ?= 8080
PAGE_PORT ?= 3000

run: build ## the plugin in devproxy in front of the demo API, with a demo page on a second origin (PORT, API_PORT, PAGE_PORT)
	@$(GO) build -o build/devproxy ./cmd/devproxy
	@echo "make run: proxy on port $(PORT), demo API on $(API_PORT), demo page on $(PAGE_PORT) (override: make run PORT=... API_PORT=... PAGE_PORT=...); Ctrl-C stops everything"
	@exec build/devproxy -exit-with-parent -wasm $(WASM) -config examples/config.json -listen 127.0.0.1:$(PORT) \
		-demo-api 127.0.0.1:$(API_PORT) -demo-page 127.0.0.1:$(PAGE_PORT)

oci: build ## OCI image layout with the plugin for Istio: build/oci
	$(GO) run ./deploy/oci -wasm $(WASM) -out build/oci

clean: ## remove build outputs
	rm -rf build
