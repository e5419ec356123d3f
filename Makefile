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
run: build ## Build and start procedo.
	$(BIN)/procedo

.PHONY: test
test: vet staticcheck gofmt ## Run go vet, staticcheck, the gofmt check and every test.
	$(GO) test -count=1 $(PKGS)

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

.PHONY: clean
clean: ## Remove build outputs.
	rm -rf $(BIN)
