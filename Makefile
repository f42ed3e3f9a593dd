# wxsuite developer entry points. Every tool is pinned here and installed into ./bin
# (Go plugins) or tools/node_modules (buf CLI, protoc-gen-es); nothing is fetched from
# the Buf Schema Registry.

BIN            := $(CURDIR)/bin
NODE_BIN       := $(CURDIR)/tools/node_modules/.bin
export PATH    := $(BIN):$(NODE_BIN):$(PATH)

PROTOC_GEN_GO_VERSION        := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION   := v1.6.2
PROTOC_GEN_CONNECT_GO_VERSION:= v1.21.1
GRPC_GATEWAY_VERSION         := v2.33.0

.PHONY: all tools gen gen-check lint breaking test test-short bench run fmt clean helm helm-update image e2e-split

all: gen lint test

## tools: install the pinned code generators into ./bin and tools/node_modules
tools: $(BIN)/.stamp-$(PROTOC_GEN_GO_VERSION)-$(PROTOC_GEN_GO_GRPC_VERSION)-$(PROTOC_GEN_CONNECT_GO_VERSION)-$(GRPC_GATEWAY_VERSION) tools/node_modules/.package-lock.json

$(BIN)/.stamp-%:
	mkdir -p $(BIN)
	GOBIN=$(BIN) go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(BIN) go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	GOBIN=$(BIN) go install connectrpc.com/connect/cmd/protoc-gen-connect-go@$(PROTOC_GEN_CONNECT_GO_VERSION)
	GOBIN=$(BIN) go install github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway@$(GRPC_GATEWAY_VERSION) \
	    github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2@$(GRPC_GATEWAY_VERSION)
	touch $@

tools/node_modules/.package-lock.json: tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund

## gen: regenerate gen/ (Go, OpenAPI, TypeScript) from proto/
gen: tools
	buf format -w
	buf generate
	cd gen/ts && npm install --no-audit --no-fund --ignore-scripts >/dev/null && npx tsc -p . --noEmit

## gen-check: fail when gen/ or proto formatting differs from what make gen produces
gen-check: gen
	buf format -d --exit-code
	git add -N gen && git diff --exit-code -- gen

## lint: buf lint, go vet, gofmt
lint: tools
	buf lint
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi

## breaking: buf breaking against the previous main commit
breaking: tools
	@if git rev-parse -q --verify HEAD~1 >/dev/null; then buf breaking --against '.git#ref=HEAD~1'; else echo "no previous commit"; fi

## test: the README's test command
test:
	go test -race -count=1 ./...

## bench: the Go benchmarks recorded in docs/benchmarks.md
bench:
	go test -run '^$$' -bench . -benchmem ./...

## run: start the embedded development system
run:
	go run ./cmd/wxsuite dev

## helm: chart lint, render tests, goldens
helm:
	.ci/helm

## helm-update: regenerate values.schema.json and the goldens
helm-update:
	.ci/helm --update

## e2e-split: the split topology as separate processes (builds cmd/wxsuite and cmd/wxsandbox; needs redis-server)
e2e-split:
	go test -count=1 -run 'TestE2ESplit' -v ./cmd/wxsuite/

## image: OCI image tarballs in dist/ (no Docker engine needed)
image:
	.ci/image

fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '^gen/')
	buf format -w

clean:
	rm -rf $(BIN)
