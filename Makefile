# cors-wasm build, test and run targets. `make help` lists them.
GO        ?= go
WASM      := build/cors.wasm
WASM_MAIN := ./cmd/cors-wasm
FUZZTIME  ?= 30s
BENCHCOUNT ?= 6
BENCHTIME ?= 300ms

.PHONY: help build test short lint check bench benchmarks-md fuzz run oci clean apicheck suffixes

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: $(WASM) ## build the plugin: build/cors.wasm (standard Go, wasip1 reactor)

$(WASM): go.mod go.sum $(shell find . -name '*.go' -not -path './build/*' -not -name '*_test.go')
	@mkdir -p build
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -ldflags='-s -w' -o $(WASM) $(WASM_MAIN)
	@echo "built $(WASM): $$(wc -c < $(WASM)) bytes"

test: build ## every test: unit, fuzz seeds, plugin, e2e, browser, deployment files, corsctl test on the example; prints a SKIP line for each skipped suite
	@rm -f build/skipped.txt
	CORS_WASM_SKIP_REPORT=$(CURDIR)/build/skipped.txt $(GO) test -count=1 ./...; status=$$?; \
		$(MAKE) --no-print-directory apicheck || status=1; \
		$(MAKE) --no-print-directory corsctl && build/corsctl test examples/config.test.json || status=1; \
		if [ -s build/skipped.txt ]; then sort -u build/skipped.txt; fi; exit $$status

apicheck: ## modules of their own: Envoy Gateway manifests and the importer's SecurityPolicy against Envoy Gateway's types; envoy.yaml against the Envoy 1.32 API
	cd deploy/envoy-gateway/apicheck && $(GO) vet ./... && $(GO) test -count=1 ./...
	cd deploy/envoy-api-floor && $(GO) vet ./... && $(GO) test -count=1 ./...

short: ## the fast inner loop: go test -short ./... (skips the soaks, the GOGC=1 stress and the V8 agreement check)
	$(GO) test -short ./...

lint: ## gofmt, go vet, go mod tidy (must leave go.mod and go.sum unchanged)
	@test -z "$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null)" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) mod tidy
	@git diff --exit-code -- go.mod go.sum || { echo "go mod tidy changed go.mod/go.sum: commit the result"; exit 1; }

check: lint test ## lint, then every test (what .ci/run runs)

bench: build ## benchmarks in wazero and (with node) V8 -> build/bench-all.txt, build/benchstat.txt, build/BENCHMARKS.md
	@mkdir -p build/v8
	BENCH_ROUNDS=$(BENCHCOUNT) $(GO) test -run '^$$' -bench '^BenchmarkStream$$' -benchmem -count 1 -benchtime $(BENCHTIME) ./bench | tee build/bench.txt
	$(GO) test -run '^$$' -bench . -skip '^BenchmarkStream$$' -benchmem -count $(BENCHCOUNT) -benchtime $(BENCHTIME) ./bench | tee -a build/bench.txt
	echo "# bench: benchtime $(BENCHTIME)" >> build/bench.txt
	@if command -v node >/dev/null 2>&1; then \
		echo "V8: node $$(node --version) --no-liftoff bench/v8bench.mjs"; \
		V8_CASES=$(CURDIR)/build/v8/cases.json $(GO) test -count=1 -run '^TestWriteV8Cases$$' ./bench && \
		node --no-liftoff bench/v8bench.mjs build/v8/cases.json $(BENCHCOUNT) | tee build/bench-v8.txt; \
	else \
		echo "make bench: V8 benchmark SKIPPED: node not found (install Node.js 20 or newer, e.g. Debian's nodejs)" | tee build/bench-v8.txt; \
	fi
	cat build/bench.txt build/bench-v8.txt > build/bench-all.txt
	$(GO) tool benchstat build/bench-all.txt > build/benchstat.txt
	$(GO) run ./internal/benchreport -in build/bench-all.txt -benchstat build/benchstat.txt -notes BENCHMARKS.md -out build/BENCHMARKS.md
	@echo "make bench: report in build/BENCHMARKS.md; 'make benchmarks-md' copies it into the tracked BENCHMARKS.md"

benchmarks-md: ## update the tracked BENCHMARKS.md from the results of the last make bench (build/)
	@test -f build/bench-all.txt -a -f build/benchstat.txt || { echo "benchmarks-md: no results in build/: run make bench first"; exit 1; }
	$(GO) run ./internal/benchreport -in build/bench-all.txt -benchstat build/benchstat.txt -notes BENCHMARKS.md -out BENCHMARKS.md

fuzz: build ## run every fuzz target of the repository for FUZZTIME each (the stream fuzz runs build/cors.wasm)
	@for p in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
			echo "== $$p $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; done; done

# make run's ports; override any of them: make run PORT=10001 API_PORT=8081 PAGE_PORT=3001
PORT      ?= 10000
API_PORT  ?= 8080
PAGE_PORT ?= 3000

run: build ## the plugin in devproxy in front of the demo API, with a demo page on a second origin (PORT, API_PORT, PAGE_PORT)
	@$(GO) build -o build/devproxy ./cmd/devproxy
	@echo "make run: proxy on port $(PORT), demo API on $(API_PORT), demo page on $(PAGE_PORT) (override: make run PORT=... API_PORT=... PAGE_PORT=...); Ctrl-C stops everything"
	@exec build/devproxy -exit-with-parent -wasm $(WASM) -config examples/config.json -listen 127.0.0.1:$(PORT) \
		-demo-api 127.0.0.1:$(API_PORT) -demo-page 127.0.0.1:$(PAGE_PORT)

corsctl: ## build/corsctl, the configuration checker (run the binary: `go run` turns exit status 2 into 1)
	@mkdir -p build
	$(GO) build -o build/corsctl ./cmd/corsctl

oci: build ## OCI image layout with the plugin for Istio: build/oci
	$(GO) run ./deploy/oci -wasm $(WASM) -out build/oci

push: build ## push the plugin's OCI image: make push IMAGE=registry.example.com/cors-wasm:v0.1.0 (docker login credentials)
	@test -n "$(IMAGE)" || { echo "make push: set IMAGE, e.g. make push IMAGE=registry.example.com/cors-wasm:v0.1.0"; exit 2; }
	$(GO) run ./deploy/oci -wasm $(WASM) -push $(IMAGE)

suffixes: ## regenerate policy/internal/origins/suffixes_gen.go from the Public Suffix List of the golang.org/x/net version in go.mod
	$(GO) generate ./policy/internal/origins
	@head -5 policy/internal/origins/suffixes_gen.go | sed -n 's|^// ||p'

clean: ## remove build outputs
	rm -rf build
