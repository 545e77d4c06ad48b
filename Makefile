# Gongkai — see README.md. `make run` and `make test` are all a newcomer needs.
GO       ?= go
BIN      := bin/gongkai
VERSION  := $(shell awk -F'"' '/^Version/ {print $$2}' FyneApp.toml)
COMMIT   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -X gongkai/cli.Version=$(VERSION) -X gongkai/cli.Commit=$(COMMIT)

.PHONY: all deps build run test fuzz clean

all: build

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

# The kiosk on the embedded demo feed. Without a display it runs under Xvfb.
run: build
	@if [ -n "$$DISPLAY" ] || [ -n "$$WAYLAND_DISPLAY" ]; then ./$(BIN); \
	else echo "No display found: running under Xvfb (xvfb-run)."; xvfb-run -a -s "-screen 0 1080x1920x24" ./$(BIN); fi

test: deps
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# A few seconds of every fuzz target; FUZZTIME=2m for a longer run.
FUZZTIME ?= 10s
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin dist
