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

.PHONY: generate check-generated test lint cover

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

lint:
	go vet ./...
	@unformatted=$$(find . -type f -name '*.go' -not -path './gen/*' -not -path './.git/*' -exec gofmt -l {} +) && \
	if [ -n "$$unformatted" ]; then echo "gofmt needed in:"; echo "$$unformatted"; exit 1; fi
	$(GOLANGCI_LINT) run ./...

cover:
	go test -coverprofile=coverage.out ./...
	go tool cover -func=coverage.out | tail -1
