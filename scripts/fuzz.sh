#!/usr/bin/env bash
# Runs every Fuzz… target of the module for the given time each.
set -euo pipefail
t=${1:-10s}
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
		echo "== $pkg $f ($t)"
		# -fuzzminimizetime: Go spends up to a minute minimizing each new
		# interesting input; FuzzBundle's inputs are whole archives and find
		# hundreds, so it minimized instead of fuzzing (5 runs in 45 s). A
		# crasher is still saved, whole.
		go test -run='^$' -fuzz="^$f\$" -fuzztime="$t" -fuzzminimizetime=10x "$pkg"
	done
done
