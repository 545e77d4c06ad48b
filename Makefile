# Gongkai — see README.md. `make run` and `make test` are all a newcomer needs.
GO       ?= go
BIN      := bin/gongkai
VERSION  := $(shell awk -F'"' '/^Version/ {print $$2}' FyneApp.toml)
COMMIT   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
BUILD    := $(shell awk -F'= *' '/^Build/ {print $$2}' FyneApp.toml)
LDFLAGS  := -X gongkai/cli.Version=$(VERSION) -X gongkai/cli.Commit=$(COMMIT) -X gongkai/cli.Build=$(BUILD)

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
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './third_party/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt wants these changed:" $$unformatted >&2; exit 1; fi
	$(GO) vet ./...
	@# where int is 32 bits (armhf boards): what builds without cgo must compile
	GOARCH=arm $(GO) vet ./feed/... ./store/... ./sync/... ./boltfile/... ./publish/... ./screen/... ./monitor/... ./proof/... ./period/... ./config/...
	$(GO) test -race -count=1 -timeout 40m ./...

# Every benchmark, side by side with its peer; rewrites BENCHMARKS.md
# (COUNT=5 runs each; SECTIONS="search apply sync screen monitor"; the
# monitor section: 10,000 screens against a real monitor, and a simulated
# year of disk, MONITOR_SCREENS/ROUNDS/ROUND/DAYS). Takes minutes.
.PHONY: bench bench-short torture torture-short soak
bench: deps
	@scripts/bench.sh

# Seconds: each Go benchmark once, so none can rot (CI).
bench-short:
	$(GO) test -run '^$$' -bench '^(BenchmarkApply10k|BenchmarkRawPut10k)$$' -benchtime 1x ./store/
	bash -n scripts/bench.sh scripts/bench-screen.sh scripts/torture.sh scripts/soak.sh scripts/lib-screen.sh scripts/wine-test.sh scripts/lib-wine.sh
	$(GO) vet ./bench/monitorload

# The reliability harness: 500 kill -9s on a 3,000-item feed, attacks,
# server faults, disk full, read-only, clock jumps, FUZZTIME (2m) of every
# fuzz target; rewrites RELIABILITY.md. Takes most of an hour.
torture: deps
	@FUZZTIME=$(if $(filter command line environment,$(origin FUZZTIME)),$(FUZZTIME),2m) scripts/torture.sh

# The same harness in a minute or two, writing to a temporary file.
torture-short:
	@KILLS=4 KILL_ITEMS=200 FUZZTIME=2s OUT=$${TMPDIR:-/tmp}/RELIABILITY-short.md scripts/torture.sh

# The kiosk in display mode under Xvfb for SOAK_MINUTES (60) on 10,000
# notices, a slide every 0.2 s, an unchanged sync every minute; RSS and open
# fds every 30 s. Fails if it dies, stops rotating, or its RSS over the last
# 10 minutes is ≥ 5 % above minutes 5–10; rewrites the Soak section of
# BENCHMARKS.md (SOAK_WRITE=0: print only). SOAK_MINUTES=1: the same in a
# minute, windows scaled down (scripts/soak.sh lists the other variables).
soak: deps
	@SOAK_WRITE=$${SOAK_WRITE:-1} scripts/soak.sh

# A few seconds of every fuzz target; FUZZTIME=2m for a longer run.
FUZZTIME ?= 10s
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin dist

# Release bundles in dist/: the Linux tar.xz (fyne package) and the Windows
# .exe (mingw-w64). Installs its own tools (bin/tools) and packages. Minutes:
# not part of `make test`. DEPLOY.md says how to install them.
PACKAGE_DEPS      := gcc-mingw-w64-x86-64 xz-utils
PACKAGE_TEST_DEPS := file systemd
.PHONY: package package-test
package: deps
	@scripts/deps.sh $(PACKAGE_DEPS)
	@VERSION=$(VERSION) COMMIT=$(COMMIT) BUILD=$(BUILD) GO=$(GO) scripts/package.sh

# Checks what `make package` made and deploy/: the bundle installs into a
# temporary prefix and runs under Xvfb, the .exe is PE32+ (and runs under
# wine when Debian's wine can), systemd-analyze verify, restart after kill -9.
package-test: package
	@scripts/deps.sh $(PACKAGE_TEST_DEPS)
	@VERSION=$(VERSION) COMMIT=$(COMMIT) BUILD=$(BUILD) GO=$(GO) scripts/package-test.sh

# The packages' tests built for Windows and run under Wine
# (scripts/wine-test.sh): the Windows screen's file, path and network code
# on this machine. Not in CI: Wine and mingw are no kiosk dependency.
WINE_TEST_DEPS := wine64 gcc-mingw-w64-x86-64
.PHONY: wine-test
wine-test: deps
	@scripts/deps.sh $(WINE_TEST_DEPS)
	@scripts/wine-test.sh

# The README's two commands on a bare Debian 12 root built by mmdebstrap,
# as root and as an ordinary user (scripts/fresh-check.sh), each step
# timed; rewrites the Fresh machine section of RELIABILITY.md (FRESH_WRITE=0:
# print only). Needs root. The bare root is cached; a run still takes most of
# an hour (deps, cgo build and make test twice). Not in CI: too slow. Run it
# after every change to dependencies.
.PHONY: fresh-check
fresh-check:
	@FRESH_WRITE=$${FRESH_WRITE:-1} scripts/fresh-check.sh
