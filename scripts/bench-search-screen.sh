#!/usr/bin/env bash
# Search on the real kiosk window under Xvfb, at SIZES notices (10,000 and
# 100,000; add 1000000 for a million), beside a bare Fyne window (one
# label, same font; bench/barewindow). Prints a markdown table (medians of
# RUNS runs) on stdout.
#   key → painted : GONGKAI_SEARCH_PAINTED=1 makes the kiosk print
#                   "search-painted UNIX-MS QUERY" when a page of hits is on
#                   the glass; the time runs from just before xdotool clicks
#                   the key (t, then d, z, s: tdzs = 土地征收)
#   first frame   : from exec to the kiosk's first frame (GONGKAI_FIRST_FRAME),
#                   the store's read-write open included
#   RSS           : VmRSS after browsing (the taps of bench-screen.sh: next
#                   page twice, a topic, a notice; home) and searching, 5 s
#                   after the last key; the bare window's 10 s from start
# The screens are provisioned by `bench/searchbench build` (one Apply of the
# generated corpus, shared with the search section of scripts/bench.sh):
# publish and sync of 100,000 files take longer than the benchmark.
# SEARCH_SCREEN_DATA=PREFIX: the screens are PREFIX-N (default
# /tmp/gongkai-searchbench-v2-N, shared with scripts/bench.sh).
# Needs Xvfb and xdotool (make deps).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-screen.sh
. scripts/lib-screen.sh
RUNS=${RUNS:-3}
SIZES=${SIZES:-10000 100000}
work=${BENCH_SCREEN_DIR:-/tmp/gongkai-search-screen-v1}
mkdir -p "$work/bin"
go build -o "$work/bin/gongkai" .
go build -o "$work/bin/barewindow" ./bench/barewindow
go build -o "$work/bin/searchbench" ./bench/searchbench
G=$work/bin/gongkai

pid=""
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; stop_x' EXIT

# Touch mode, 1080x1920: where the taps land.
home="187 55"
search_button="540 1853"
declare -A key=([t]="1009 1708" [d]="382 1569" [z]="592 1846" [s]="905 1708")
browse=("926 1118" "926 1118" "278 1330" "540 420")

now_ms() { date +%s%3N; }

# launch LOG CMD...: starts CMD, waits (up to 60 s) for its first frame
launch() {
	local log=$1; shift
	GONGKAI_FIRST_FRAME=1 GONGKAI_SEARCH_PAINTED=1 LANG=zh_CN.UTF-8 "$@" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 1 600); do
		grep -q '^first-frame ' "$log" && return
		kill -0 "$pid" 2>/dev/null || { echo "exited before its first frame:" >&2; cat "$log" >&2; exit 1; }
		sleep 0.1
	done
	echo "no first frame in 60 s" >&2
	exit 1
}

# typed LOG QUERY T0 KEY: ms from T0 to the page of QUERY painted (waits
# 60 s). A click the busy X server lost (no "search-key" line after 10 s)
# is clicked once more, and the time counts from the first.
typed() {
	local log=$1 q=$2 t0=$3 k=$4 at i
	for i in $(seq 1 1200); do
		at=$(awk -v q="$q" '$1 == "search-painted" && $3 == q { print $2; exit }' "$log")
		[ -n "$at" ] && { echo $((at - t0)); return; }
		if [ "$i" = 200 ] && ! awk -v t="$t0" '$1 == "search-key" && $2 >= t { f = 1 } END { exit !f }' "$log"; then
			echo "search screen: the click on $k was lost; clicking again" >&2
			# shellcheck disable=SC2086
			xdotool mousemove ${key[$k]} click 1
		fi
		sleep 0.05
	done
	echo "no results painted for $q in 60 s" >&2
	exit 1
}

# measure DATA: one run; prints "t_ms d_ms z_ms s_ms rss_mb first_frame_ms"
measure() {
	local data=$1 log=$work/kiosk.log q="" out="" t0 at ff
	launch "$log" "$G" kiosk --data "$data"
	ff=$(awk '$1 == "first-frame" { print $2; exit }' "$log")
	sleep 2
	for at in "${browse[@]}"; do
		# shellcheck disable=SC2086
		xdotool mousemove $at click 1
		sleep 3
	done
	# shellcheck disable=SC2086
	xdotool mousemove $home click 1
	sleep 3
	# shellcheck disable=SC2086
	xdotool mousemove $search_button click 1
	sleep 2
	for k in t d z s; do
		q=$q$k
		t0=$(now_ms)
		# shellcheck disable=SC2086
		xdotool mousemove ${key[$k]} click 1
		out="$out $(typed "$log" "$q" "$t0" "$k")"
		sleep 1
	done
	sleep 5
	out="$out $(rss_mb "$pid") $ff"
	kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
	echo "${out# }"
}

bare() {
	"$work/bin/barewindow" >"$work/bare.log" 2>&1 &
	pid=$!
	sleep 10
	echo "$(rss_mb "$pid")" # one line a run (rss_mb prints no newline)
	kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

for n in $SIZES; do
	dir=${SEARCH_SCREEN_DATA:-/tmp/gongkai-searchbench-v2}-$n
	if ! cached "$dir"; then
		echo "search screen: building a screen of $n notices in $dir" >&2
		rm -rf "$dir"
		"$work/bin/searchbench" build -n "$n" -data "$dir" >"$dir.build.tsv"
		mkdir -p "$dir" && cp "$dir.build.tsv" "$dir/build.tsv" && mark_cached "$dir"
	fi
	: >"$work/g-$n.txt"; : >"$work/b-$n.txt"
	for i in $(seq 1 "$RUNS"); do
		start_x 1080x1920
		bare >>"$work/b-$n.txt"
		measure "$dir" >>"$work/g-$n.txt"
		stop_x
		echo "search screen $n, run $i/$RUNS: $(tail -1 "$work/g-$n.txt") | bare $(tail -1 "$work/b-$n.txt") MB" >&2
	done
done

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
echo "| notices | t → painted | d | z | s (tdzs) | worst key | RSS after browsing and searching | bare window | difference | first frame | goals: ≤ 200 ms, ≤ bare + 60 MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for n in $SIZES; do
	g=$work/g-$n.txt
	worst=$(awk '{ m = 0; for (i = 1; i <= 4; i++) if ($i > m) m = $i; print m }' "$g" | sort -g | tail -1)
	grss=$(col 5 "$g"); brss=$(col 1 "$work/b-$n.txt")
	# #15 sets both goals at 100,000 notices and asks for the memory at
	# 10,000 and a million to be written down: elsewhere the latency is
	# judged (stricter than asked) and the memory is a figure only
	verdict=$(awk -v n="$n" -v w="$worst" -v g="$grss" -v b="$brss" 'BEGIN { m = ""; if (w > 200) m = m " latency"; if (n == 100000 && g > b + 60) m = m " memory"; v = (m == "") ? "met" : "**missed**:" m; if (n != 100000) v = v " (memory: no goal at this size)"; print v }')
	echo "| $(printf "%'d" "$n") | $(col 1 "$g") ms | $(col 2 "$g") ms | $(col 3 "$g") ms | $(col 4 "$g") ms | $worst ms | $grss MB | $brss MB | $(awk -v a="$grss" -v b="$brss" 'BEGIN { printf "%+d MB", a-b }') | $(col 6 "$g") ms | $verdict |"
done
echo
echo "Medians of $RUNS runs (worst key: the slowest of all runs). Runs (t d z s ms, RSS MB, first frame ms): $(for n in $SIZES; do printf '%s: `%s` ' "$n" "$(tr '\n' ';' <"$work/g-$n.txt")"; done)"
