#!/usr/bin/env bash
# Screen benchmark: gongkai's kiosk on 10,000 notices beside a bare Fyne
# window (one label, same font; bench/barewindow), in the same run under the
# same Xvfb. Prints a markdown table (medians of RUNS runs) on stdout.
#   first frame : GONGKAI_FIRST_FRAME=1 makes each program print
#                 "first-frame MS" (ms since exec) when its first frame is painted
#   RSS         : VmRSS after browsing (gongkai: xdotool taps next page twice,
#                 a topic tile and a list row) and 10 s from start
#   idle CPU    : utime+stime over IDLE seconds after that, % of one core
#   binary size : stripped of nothing, as `go build` makes them
# RUNS=3 IDLE=20 by default. Needs Xvfb and xdotool (make deps).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
IDLE=${IDLE:-20}
ITEMS=${ITEMS:-10000}
work=${BENCH_SCREEN_DIR:-/tmp/gongkai-screen-bench-v1}
mkdir -p "$work/bin"

go build -o "$work/bin/gongkai" .
go build -o "$work/bin/barewindow" ./bench/barewindow
go build -o "$work/bin/feedgen" ./bench/feedgen
G=$work/bin/gongkai

# A screen provisioned with ITEMS generated notices through the real
# publish/init/sync path, built once (publishing fsyncs every object).
tmpl=$work/data-$ITEMS
if [ ! -f "$tmpl/.complete" ]; then
	rm -rf "$tmpl" "$work/src" "$work/feed" "$work/key"
	"$work/bin/feedgen" -n "$ITEMS" -out "$work/src"
	"$G" keygen --out "$work/key" >/dev/null
	"$G" publish --key "$work/key/publisher.key" --src "$work/src" --out "$work/feed" --expires 8760h >&2
	"$G" init --data "$tmpl" --location 310118901201 --pubkey "$work/key/publisher.pub" --source "$work/feed" >&2
	"$G" sync --data "$tmpl" >&2
	touch "$tmpl/.complete"
fi

# A fresh Xvfb for each run, on a free display number well above the ones
# xvfb-run and desktops take (other programs may share this machine).
xpid=""
start_x() {
	local n
	for n in $(seq 140 199); do
		[ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || break
	done
	Xvfb ":$n" -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 &
	xpid=$!
	export DISPLAY=:$n
	for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X$n" ] && return; sleep 0.1; done
	echo "Xvfb :$n did not start" >&2; exit 1
}
stop_x() { [ -z "$xpid" ] || { kill "$xpid" 2>/dev/null; wait "$xpid" 2>/dev/null || true; xpid=""; }; }
trap stop_x EXIT

clk=$(getconf CLK_TCK)
cputicks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2/1024 }' "/proc/$1/status"; }

# measure NAME CMD... : one run; prints "first_ms rss_mb cpu_pct"
measure() {
	local name=$1; shift
	local log=$work/$name.log
	GONGKAI_FIRST_FRAME=1 LANG=zh_CN.UTF-8 "$@" >"$log" 2>&1 &
	local pid=$! start=$SECONDS ff=""
	for _ in $(seq 1 300); do
		ff=$(awk '/^first-frame / { print $2; exit }' "$log")
		[ -n "$ff" ] && break
		kill -0 "$pid" 2>/dev/null || { echo "$name exited before its first frame:" >&2; cat "$log" >&2; exit 1; }
		sleep 0.1
	done
	[ -n "$ff" ] || { echo "$name: no first frame in 30 s" >&2; kill "$pid"; exit 1; }
	sleep 1
	if [ "$name" = gongkai ] && command -v xdotool >/dev/null; then
		for at in "926 1118" "926 1118" "278 1330" "540 420"; do
			# shellcheck disable=SC2086
			xdotool mousemove $at click 1; sleep 1.5
		done
	fi
	while [ $((SECONDS - start)) -lt 10 ]; do sleep 0.5; done
	local rss t0 t1
	rss=$(rss_mb "$pid")
	t0=$(cputicks "$pid")
	sleep "$IDLE"
	t1=$(cputicks "$pid")
	kill "$pid"; wait "$pid" 2>/dev/null || true
	echo "$ff $rss $(awk -v a="$t0" -v b="$t1" -v c="$clk" -v s="$IDLE" 'BEGIN { printf "%.2f", (b-a)/c/s*100 }')"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'; }

data=$work/run-data
: >"$work/g.txt"; : >"$work/b.txt"
for i in $(seq 1 "$RUNS"); do
	rm -rf "$data"; cp -a "$tmpl" "$data"
	start_x
	measure barewindow "$work/bin/barewindow" >>"$work/b.txt"
	measure gongkai "$G" kiosk --data "$data" >>"$work/g.txt"
	stop_x
	echo "screen run $i/$RUNS: gongkai $(tail -1 "$work/g.txt") | bare $(tail -1 "$work/b.txt")" >&2
done

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
gff=$(col 1 "$work/g.txt"); bff=$(col 1 "$work/b.txt")
grss=$(col 2 "$work/g.txt"); brss=$(col 2 "$work/b.txt")
gcpu=$(col 3 "$work/g.txt"); bcpu=$(col 3 "$work/b.txt")
gsize=$(stat -c %s "$G"); bsize=$(stat -c %s "$work/bin/barewindow")
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b/1048576 }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "**missed**"; fi; }
shown=$("$G" status --data "$tmpl" --json | sed -n 's/.*"items": *\([0-9]*\).*/\1/p')

echo "| Measure | gongkai (${ITEMS} items, ${shown} shown) | bare Fyne window | difference | goal | verdict |"
echo "|---|---:|---:|---:|---|---|"
echo "| start-up to first frame | ${gff} ms | ${bff} ms | $(awk -v a="$gff" -v b="$bff" 'BEGIN { printf "%+d ms", a-b }') | < 1000 ms | $(verdict "$gff < 1000") |"
echo "| RSS after browsing, 10 s | ${grss} MB | ${brss} MB | $(awk -v a="$grss" -v b="$brss" 'BEGIN { printf "%+d MB", a-b }') | ≤ bare + 40 MB | $(verdict "$grss <= $brss + 40") |"
echo "| idle CPU over ${IDLE} s (touch mode) | ${gcpu} % | ${bcpu} % | $(awk -v a="$gcpu" -v b="$bcpu" 'BEGIN { printf "%+.2f pt", a-b }') | within 1 % of a core | $(verdict "$gcpu - $bcpu <= 1") |"
echo "| binary size | $(mb "$gsize") | $(mb "$bsize") | $(awk -v a="$gsize" -v b="$bsize" 'BEGIN { printf "%+.1f MB", (a-b)/1048576 }') | — | — |"
echo
echo "Medians of $RUNS runs, each program started fresh; first frame counts from exec (/proc/self/stat starttime). Runs per program: gongkai \`$(tr '\n' ';' <"$work/g.txt")\`, bare \`$(tr '\n' ';' <"$work/b.txt")\` (first-frame ms, RSS MB, CPU %)."
