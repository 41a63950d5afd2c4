# Targets used by developers and by .ci/run. `make test` is the test command
# the README documents.

GEN_DIR ?= gen
# pkg/iconect's re-exports of gen's enums (check-generated writes it elsewhere).
ENUMS_REEXPORT ?= pkg/iconect/enums.gen.go
SPEC := api/openapi.yaml
# Run through `go run` so the version pinned in go.mod (see tools.go) is used.
OAPI_CODEGEN := go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen
# Pinned and run from the module proxy, outside the SDK's own go.mod.
GOLANGCI_LINT := go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0

.PHONY: generate check-generated test lint lint-spec docs cover contract contract-prism spec-diff reconcile apidiff provenance

generate:
	@if grep -n '^output:' api/codegen/*.yaml >&2; then \
		echo 'api/codegen: drop output: (oapi-codegen v2.8.2 lets it override -o, so GEN_DIR would be ignored)' >&2; exit 1; fi
	mkdir -p $(GEN_DIR)
	$(OAPI_CODEGEN) -config api/codegen/models.yaml -o $(GEN_DIR)/models.gen.go $(SPEC)
	$(OAPI_CODEGEN) -config api/codegen/client.yaml -o $(GEN_DIR)/client.gen.go $(SPEC)
	$(OAPI_CODEGEN) -config api/codegen/server.yaml -o $(GEN_DIR)/server.gen.go $(SPEC)
	go run ./internal/cmd/genenums -config api/codegen/models.yaml -spec $(SPEC) -out $(GEN_DIR)/enums.gen.go \
		-reexport $(ENUMS_REEXPORT) -reexport-package iconect -gen-import github.com/iconect-go/iconect-go/gen
	go run ./internal/cmd/genops -spec $(SPEC) -out $(GEN_DIR)/operations.gen.go

# Regenerates into a temporary directory and compares it with gen/ and
# pkg/iconect/enums.gen.go, so CI catches a spec or generator change that was
# not followed by `make generate`.
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(MAKE) --no-print-directory generate GEN_DIR="$$tmp" ENUMS_REEXPORT="$$tmp/iconect/enums.gen.go" >/dev/null && \
	stale=0 && \
	names=$$(for p in gen/*.gen.go "$$tmp"/*.gen.go; do if [ -e "$$p" ]; then echo "$${p##*/}"; fi; done | sort -u) && \
	for f in $$names; do \
		if [ ! -f "gen/$$f" ]; then echo "gen/$$f is missing"; stale=1; \
		elif [ ! -f "$$tmp/$$f" ]; then echo "gen/$$f is no longer generated"; stale=1; \
		elif ! cmp -s "gen/$$f" "$$tmp/$$f"; then echo "gen/$$f differs:"; diff -u "gen/$$f" "$$tmp/$$f" | head -40; stale=1; fi; \
	done && \
	if ! cmp -s pkg/iconect/enums.gen.go "$$tmp/iconect/enums.gen.go"; then \
		echo "pkg/iconect/enums.gen.go differs:"; diff -u pkg/iconect/enums.gen.go "$$tmp/iconect/enums.gen.go" | head -40; stale=1; fi && \
	if [ "$$stale" -ne 0 ]; then echo "generated code is out of date: run make generate"; exit 1; fi

test:
	go vet ./...
	go test -race -count=1 ./...

# lint-spec too, when node and npm are found; LINT_SPEC=0 leaves it out
# (.ci/run runs it as a leg of its own).
LINT_SPEC ?= 1
lint:
	go vet ./...
	@go mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	@unformatted=$$(find . -type f -name '*.go' -not -path './gen/*' -not -path './.git/*' -exec gofmt -l {} +) && \
	if [ -n "$$unformatted" ]; then echo "gofmt needed in:"; echo "$$unformatted"; exit 1; fi
	$(GOLANGCI_LINT) run ./...
	@if [ '$(LINT_SPEC)' = 0 ]; then :; \
	elif command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory lint-spec; \
	else echo 'make lint: SKIPPED lint-spec (the spec linters): node and npm not found'; fi

# npm ci of a pinned package folder, again only when its package.json or
# package-lock.json changed (npm writes node_modules/.package-lock.json).
# Install scripts are not run: the only ones are @scarf/scarf's download
# counter (Spectral) and core-js's banner (Redocly CLI 1.x).
NPM_CI := npm ci --no-audit --no-fund --ignore-scripts
# In the environment of every Redocly CLI run.
REDOCLY_ENV := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

api/lint/node_modules/.package-lock.json: api/lint/package.json api/lint/package-lock.json
	cd api/lint && $(NPM_CI) && touch node_modules/.package-lock.json

api/docs/node_modules/.package-lock.json: api/docs/package.json api/docs/package-lock.json
	cd api/docs && $(NPM_CI) && touch node_modules/.package-lock.json

# The spec's linters, pinned in api/lint: Redocly CLI 2.77.0 with its
# recommended rules (api/lint/redocly.yaml) and Spectral 6.16.3 with
# spectral:oas (api/lint/.spectral.yaml). Both always run; an error in either
# fails, warnings are printed (and should be fixed, not left standing).
# Needs node and npm.
lint-spec: api/lint/node_modules/.package-lock.json
	cd api/lint && status=0; \
	$(REDOCLY_ENV) node_modules/.bin/redocly lint --config redocly.yaml $(abspath $(SPEC)) || status=1; \
	node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity error $(abspath $(SPEC)) || status=1; \
	exit $$status

# The spec as one offline HTML reference page, DOCS_PAGE: Redoc 2 through
# Redocly CLI 1.34.20, pinned in api/docs (api/docs/build.mjs runs build-docs
# and inlines Redoc's script), then the tests that the page has a section for
# every operationId and fetches nothing. Needs node and npm.
DOCS_PAGE ?= build/docs/iconect-api.html
docs: api/docs/node_modules/.package-lock.json
	node api/docs/build.mjs $(SPEC) $(DOCS_PAGE)
	ICONECT_DOCS_PAGE='$(abspath $(DOCS_PAGE))' go test -count=1 -run 'TestDocsPage' ./api/

cover:
	go test -coverprofile=coverage.out ./...
	go tool cover -func=coverage.out | tail -1

# The contract check against your tenant: every ICONECT_* variable of the
# README's "Running the contract check against your tenant" must be set
# (-tenant refuses to fall back to the fake). Reports go to CONTRACT_REPORT_DIR.
CONTRACT_REPORT_DIR ?= contract-report
contract:
	go run ./internal/contract/cmd/contract -tenant -report-dir $(CONTRACT_REPORT_DIR)

# The contract check's second validator: the scenario's JSON operations
# through Stoplight Prism (pinned in internal/contract/prism) in front of the
# fake tenant, then the tests showing Prism catches an altered spec. Needs
# node and npm.
contract-prism:
	cd internal/contract/prism && npm ci --no-audit --no-fund
	go run ./internal/contract/cmd/contract -prism internal/contract/prism/node_modules/.bin/prism \
		-report-dir $(CONTRACT_REPORT_DIR)/prism
	go test -count=1 -run 'TestPrism' ./internal/contract/

# What changed in api/openapi.yaml since BASE (a git revision, e.g. v0.1.0 or
# origin/main, or a file): oasdiff's breaking changes, failing on errors not
# listed in api/oasdiff-ignore.txt, then the changelog. oasdiff runs with go
# run at a pinned version, outside go.mod.
BASE ?=
spec-diff:
	@if [ -z "$(BASE)" ]; then echo 'usage: make spec-diff BASE=<git revision or file>' >&2; exit 2; fi
	go run ./internal/cmd/specdiff -base '$(BASE)'

# Compares the vendor's own OpenAPI file (JSON or YAML) with api/openapi.yaml;
# WRITE=1 also rewrites the spec, the catalogue and api/VERSION.yaml from it.
# RECONCILE_FLAGS passes more, e.g. -strip-prefix /api or -keep-ours-only.
VENDOR ?=
RECONCILE_FLAGS ?=
reconcile:
	@if [ -z "$(VENDOR)" ]; then echo 'usage: make reconcile VENDOR=<vendor spec file> [WRITE=1]' >&2; exit 2; fi
	go run ./internal/cmd/reconcile -vendor '$(VENDOR)' $(if $(WRITE),-write) $(RECONCILE_FLAGS)

# Rewrites api/VERSION.yaml's hashes and generator version after a reviewed
# change of the spec, api/codegen, genenums/genops or oapi-codegen
# (api/version_test.go fails until then).
provenance:
	go test -count=1 ./api/ -run TestProvenance -update-provenance

# The Go API changes of gen/ and pkg/... between BASE and the working tree
# (or NEW), to choose the next version: scripts/apidiff.sh.
NEW ?=
apidiff:
	@if [ -z "$(BASE)" ]; then echo 'usage: make apidiff BASE=<git revision> [NEW=<git revision>]' >&2; exit 2; fi
	scripts/apidiff.sh '$(BASE)' $(if $(NEW),'$(NEW)')
