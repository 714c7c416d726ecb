# Developer shortcuts; .ci/run is what CI runs.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.7.0
MODULES := . $(patsubst %/go.mod,%,$(wildcard conformance/go.mod bench/go.mod))

.PHONY: test lint conformance prism generate ci

# Every module, with the race detector.
test:
	./scripts/test.sh

# gofmt, go vet and staticcheck over every module.
lint:
	@out=$$(gofmt -l $$(find . \( -path ./.git -o -path ./.ci -o -name node_modules \) -prune -o -name '*.go' -print)); \
	if [ -n "$$out" ]; then echo "not gofmt'ed:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES); do echo "go vet + staticcheck in $$m"; \
		(cd $$m && go vet ./... && go run $(STATICCHECK) ./...) || exit 1; done
	cd conformance && go vet -tags prism ./... && go run $(STATICCHECK) -tags prism ./...

# The SDK against the OpenAPI spec, in process (kin-openapi).
conformance:
	cd conformance && go test -race -count=1 ./...

# The SDK against a Prism mock server of the spec (installs Prism with npm).
prism:
	./scripts/prism.sh

# Regenerates apps_types.gen.go from the spec.
generate:
	go generate ./...

ci:
	./.ci/run
