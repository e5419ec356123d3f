# Procedo — run `make help` for the targets.

GO          ?= go
BIN         := $(CURDIR)/bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(BIN)/staticcheck-$(STATICCHECK_VERSION)
FUZZTIME    ?= 30s
BENCHTIME   ?= 1s
PKGS        ?= ./...

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make <target>\n\nTargets:\n"} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build the procedo binary into bin/.
	$(GO) build -o $(BIN)/procedo ./cmd/procedo

.PHONY: run
run: build ## Build and start procedo serve on 127.0.0.1:8080 (SQLite in ./procedo-data, demo procedures, demo logins).
	$(BIN)/procedo serve

.PHONY: test
test: vet staticcheck gofmt gen-check node_modules ## Run go vet, staticcheck, the gofmt check, the generated-code check and every test.
	@command -v chromium >/dev/null || echo "note: Chromium is missing (apt-get install chromium): browser tests will skip"
	$(GO) test -count=1 $(PKGS)

# The browser tests drive Chromium with npm playwright-core.
node_modules: package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

.PHONY: lint
lint: vet staticcheck gofmt ## Run go vet, staticcheck and the gofmt check.

.PHONY: vet
vet:
	$(GO) vet $(PKGS)

.PHONY: gofmt
gofmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(BIN)/staticcheck $(STATICCHECK)

.PHONY: staticcheck
staticcheck: $(STATICCHECK)
	$(STATICCHECK) $(PKGS)

# The bundles of the templates catalogue (folders with a process.bpmn); the
# Go code generated from each lives in <bundle>/gen/<process>/.
TEMPLATES := $(patsubst %/process.bpmn,%,$(wildcard templates/*/process.bpmn))

.PHONY: gen
gen: build ## Regenerate the Go code of every bundle of templates/ and the codegen golden files.
	@for b in $(TEMPLATES); do echo "procedo gen -o $$b/gen $$b"; $(BIN)/procedo gen -o $$b/gen $$b || exit 1; done
	$(GO) test ./codegen -run 'TestGolden|TestReferencePackage' -update

.PHONY: gen-check
gen-check: build ## Fail with a diff when the generated code of a bundle of templates/ is stale.
	@for b in $(TEMPLATES); do $(BIN)/procedo gen --check -o $$b/gen $$b || { echo "run: make gen"; exit 1; }; done; \
	echo "gen-check: $(words $(TEMPLATES)) bundle(s) up to date"

.PHONY: bench
bench: ## Run every benchmark (this module, the bench/ peers, pgbench) and print a table.
	@mkdir -p $(BIN)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS) > $(BIN)/bench.out || { cat $(BIN)/bench.out; exit 1; }
	cd bench && $(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./... >> $(BIN)/bench.out || { cat $(BIN)/bench.out; exit 1; }
	$(GO) run ./internal/benchtable < $(BIN)/bench.out
	sh bench/summary.sh $(BIN)/bench.out

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each (default 30s).
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

.PHONY: web
web: ## Build the front-end assets into web/dist with esbuild (runs npm ci when node_modules is missing).
	@test -d node_modules || npm ci --no-audit --no-fund
	node web/forms/build.mjs
	node web/designer/build.mjs
	node web/dashboard/build.mjs

.PHONY: web-check
web-check: web ## Fail when web/dist differs from a fresh build (make web), as CI does.
	@if [ -n "$$(git status --porcelain -- web/dist)" ]; then \
		echo "web/dist is stale: run make web and commit it"; git status --porcelain -- web/dist; exit 1; \
	fi; echo "web-check: web/dist is reproducible"

.PHONY: clean
clean: ## Remove build outputs.
	rm -rf $(BIN)
