#!/usr/bin/env bash
# Soak: the real kiosk (`gongkai kiosk --mode display`) under a fresh Xvfb
# for SOAK_MINUTES, rotating a screen of ITEMS generated notices (the
# screen benchmark's template, built through publish/init/sync) with a
# short dwell, syncing (unchanged) from its folder feed every SOAK_SYNC.
# Every sample it records RSS, open file descriptors, threads and CPU time
# from /proc to a CSV, and now and then photographs the screen to see that
# the slides really change.
#
#   growth = median RSS of the last 10 minutes ÷ median RSS of minutes 5–10
#            (after warm-up) − 1; goal < 5 %. For runs shorter than an hour
#            both windows and the sample interval (30 s) shrink by
#            SOAK_MINUTES/60: a 1-minute run compares seconds 50–60 with
#            seconds 5–10, sampled every 0.5 s.
#   rotation: the slide area (below the clock) of successive photographs
#            must differ in at least half of them; afterwards the display
#            log (`gongkai report --json`) must hold seconds shown for
#            several distinct notices.
# Exit 1 if the kiosk died, growth ≥ 5 % or it did not rotate. Prints a
# markdown paragraph and table on stdout; SOAK_WRITE=1 also puts them
# between <!-- bench:soak --> markers in SOAK_OUT (BENCHMARKS.md), as
# scripts/bench.sh does for its tables.
#
# Variables: SOAK_MINUTES=60 SOAK_DWELL=200ms SOAK_SYNC=1m ITEMS=10000
# SOAK_INTERVAL (seconds between samples; default scaled as above)
# SOAK_BIN (a gongkai binary to soak instead of building the tree's)
# SOAK_MAX_RSS_MB=4096 (a kiosk past it is stopped and the soak fails:
# the machine may be shared) SOAK_WRITE=0 SOAK_OUT=BENCHMARKS.md SOAK_DIR
# (work dir; default a new /tmp/gongkai-soak.XXXXXX, kept: soak.csv,
# run.env, kiosk.log, data/). SOAK_REPORT=1 with SOAK_DIR: no run, only
# the report of the run already in SOAK_DIR.
# Needs Xvfb and ImageMagick's import (make deps).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-screen.sh
. scripts/lib-screen.sh

# The whole script is read before it runs (main at the end): editing it
# while an hour-long soak runs does not change the running one.

say() { echo "soak: $*" >&2; }

# windows: from MINUTES, sets dur scale interval warm0 warm1 shot_every
windows() {
	read -r dur scale < <(awk -v m="$MINUTES" 'BEGIN { s = m / 60; if (s > 1) s = 1; printf "%d %.6f\n", m * 60 + 0.5, s }')
	interval=${SOAK_INTERVAL:-$(awk -v s="$scale" 'BEGIN { printf "%.2f", 30 * s }')}
	read -r warm0 warm1 < <(awk -v s="$scale" 'BEGIN { printf "%.1f %.1f\n", 300 * s, 600 * s }')
	# photographs: every sample, but no more often than every 5 s
	shot_every=$(awk -v i="$interval" 'BEGIN { print (i > 5) ? i : 5 }')
}

# jfield NAME: the value of "NAME": in the indented JSON on stdin (the
# first), without quotes; "none" for null or missing
jfield() {
	awk -v k="$1" '$0 ~ "^ *\"" k "\": " { v = $0; sub("^ *\"" k "\": *", "", v); sub(/,$/, "", v)
		if (v ~ /^".*"$/) v = substr(v, 2, length(v) - 2); if (v == "null") v = "none"; print v; found = 1; exit }
		END { if (!found) print "none" }'
}

# seconds D: a Go duration such as 200ms, 15s, 1m or 1h30m in seconds
seconds() {
	awk -v d="$1" 'BEGIN {
		f["h"] = 3600; f["m"] = 60; f["s"] = 1; f["ms"] = 1e-3; f["us"] = 1e-6; f["µs"] = 1e-6; f["ns"] = 1e-9
		t = 0
		while (match(d, /^[0-9.]+(h|ms|m|s|us|µs|ns)/)) {
			p = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
			match(p, /^[0-9.]+/); t += substr(p, 1, RLENGTH) * f[substr(p, RLENGTH + 1)]
		}
		print t }'
}

# The slide area: below the header, whose clock changes each minute, down
# to and including the slide counter.
slide_area=1920x900+0+170

# run: builds, starts the kiosk, samples; writes soak.csv and run.env.
run() {
	say "building (work dir $work)"
	mkdir -p "$work/bin"
	go build -o "$work/bin/feedgen" ./bench/feedgen
	G=${SOAK_BIN:-$work/bin/gongkai}
	[ -n "${SOAK_BIN:-}" ] || go build -o "$G" .
	local tmpl data=$work/data
	tmpl=$(screen_template "$root" "$ITEMS" "$G" "$work/bin/feedgen")
	rm -rf "$data"
	cp -a "$tmpl" "$data"
	rm -f "$data/.complete"
	set_config "$data" mode display
	set_config "$data" dwell "$DWELL"
	set_config "$data" sync_interval "$SYNC"
	shown=$("$G" status --data "$data" --json | jfield items)

	kpid=""
	trap 'if [ -n "$kpid" ]; then kill "$kpid" 2>/dev/null; wait "$kpid" 2>/dev/null || true; fi; stop_x' EXIT
	start_x 1920x1080
	say "kiosk on $DISPLAY: $shown of $ITEMS notices in rotation, dwell $DWELL, sync every $SYNC, $MINUTES min;" \
		"samples every ${interval} s; RSS windows ${warm0}–${warm1} s and the last $(awk -v s="$scale" 'BEGIN { printf "%.0f", 600 * s }') s"

	local csv=$work/soak.csv t0 ff="" k=0 lastshot=-1000 target left el row rss h
	died="" hwm=""
	echo "t_s,rss_kb,fds,threads,cpu_ticks,shot" >"$csv"
	t0=$(now_s)
	started=$(date -u '+%Y-%m-%d %H:%M UTC')
	GONGKAI_FIRST_FRAME=1 LANG=zh_CN.UTF-8 "$G" kiosk --data "$data" --mode display >"$work/kiosk.log" 2>&1 &
	kpid=$!
	for _ in $(seq 1 300); do
		ff=$(awk '/^first-frame / { print $2; exit }' "$work/kiosk.log")
		[ -n "$ff" ] && break
		kill -0 "$kpid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$ff" ] || { say "no first frame:"; cat "$work/kiosk.log" >&2; exit 1; }

	while :; do
		k=$((k + 1))
		target=$(awk -v k="$k" -v i="$interval" 'BEGIN { print k * i }')
		awk -v t="$target" -v d="$dur" 'BEGIN { exit !(t > d) }' && break
		left=$(awk -v t0="$t0" -v t="$target" -v now="$(now_s)" 'BEGIN { l = t0 + t - now; print (l > 0) ? l : 0 }')
		sleep "$left"
		el=$(awk -v t0="$t0" -v now="$(now_s)" 'BEGIN { printf "%.1f", now - t0 }')
		if ! kill -0 "$kpid" 2>/dev/null; then died="the kiosk exited at $el s"; break; fi
		kill -0 "$xpid" 2>/dev/null || { died="Xvfb died at $el s"; break; }
		if ! row="$el,$(rss_kb "$kpid"),$(fd_count "$kpid"),$(threads "$kpid"),$(cputicks "$kpid")" 2>/dev/null; then
			died="the kiosk exited at $el s"
			break
		fi
		h=""
		if awk -v e="$el" -v l="$lastshot" -v s="$shot_every" 'BEGIN { exit !(e - l >= s - 0.01) }'; then
			lastshot=$el
			h=$(shot_hash "$slide_area")
		fi
		echo "$row,$h" >>"$csv"
		rss=${row#*,}
		rss=${rss%%,*}
		if [ "$rss" -gt $((MAX_RSS * 1024)) ]; then
			died="RSS passed $MAX_RSS MB at $el s: stopped there (SOAK_MAX_RSS_MB)"
			break
		fi
		[ $((k % 20)) -ne 0 ] || say "$el s: RSS $((rss / 1024)) MB, $(fd_count "$kpid") fds"
	done
	hwm=$(awk '/^VmHWM/ { printf "%.0f", $2/1024 }' "/proc/$kpid/status" 2>/dev/null || true)
	if kill "$kpid" 2>/dev/null; then wait "$kpid" 2>/dev/null || true; fi
	kpid=""
	stop_x
	{
		echo "started='$started'"
		echo "MINUTES=$MINUTES"
		echo "DWELL=$DWELL"
		echo "SYNC=$SYNC"
		echo "ITEMS=$ITEMS"
		echo "shown=$shown"
		echo "interval=$interval"
		echo "hwm=$hwm"
		echo "died='$died'"
		echo "G='$G'"
	} >"$work/run.env"
}

# report: the verdict and the markdown, from the files run left in work.
report() {
	local csv=$work/soak.csv data=$work/data
	# shellcheck disable=SC1091
	[ ! -f "$work/run.env" ] || . "$work/run.env"
	windows
	G=${G:-$work/bin/gongkai}
	# The display log, read after the kiosk let go of it.
	"$G" report --data "$data" --json >"$work/report.json" || echo '[]' >"$work/report.json"
	"$G" status --data "$data" --json >"$work/status.json" || echo '{}' >"$work/status.json"
	local rep_notices rep_seconds last_sync last_error log_errors sync_fail
	read -r rep_notices rep_seconds < <(grep -o '"shown_seconds": *[0-9]*' "$work/report.json" |
		awk '{ if ($2 > 0) n++; s += $2 } END { printf "%d %d\n", n, s }')
	last_sync=$(jfield last_success <"$work/status.json")
	last_error=$(jfield last_error <"$work/status.json")
	log_errors=$(grep -c '"level":"ERROR"' "$data/logs/gongkai.log" 2>/dev/null || true)
	sync_fail=$(grep -c 'scheduled sync failed' "$data/logs/gongkai.log" 2>/dev/null || true)

	# The last window ends with the last sample (earlier than planned when
	# the run was stopped) and never reaches back into the warm-up one.
	local span last0 last1 nwarm nlast rss_warm rss_last growth
	span=$(awk -F, 'NR > 1 { t = $1 } END { print t + 0 }' "$csv")
	last1=$span
	last0=$(awk -v e="$span" -v s="$scale" -v w="$warm1" 'BEGIN { l = e - 600 * s; printf "%.1f", (l > w) ? l : w }')
	win() { awk -F, -v a="$1" -v b="$2" 'NR > 1 && $1 >= a && $1 <= b { printf "%.0f\n", $2 / 1024 }' "$csv" | median; }
	nwin() { awk -F, -v a="$1" -v b="$2" 'NR > 1 && $1 >= a && $1 <= b' "$csv" | wc -l; }
	nwarm=$(nwin "$warm0" "$warm1")
	nlast=$(nwin "$last0" "$last1")
	rss_warm=$(win "$warm0" "$warm1")
	rss_last=$(win "$last0" "$last1")
	[ "$nwarm" -gt 0 ] && [ "$nlast" -gt 0 ] || rss_last="?"
	growth=$(awk -v a="$rss_warm" -v b="$rss_last" 'BEGIN { if (a != "?" && b != "?" && a > 0) printf "%.1f", (b / a - 1) * 100; else print "?" }')
	local fd0 fd1 fdmax th0 th1 cpu_s rss_max samples cpu_run shots changed distinct
	read -r fd0 fd1 fdmax th0 th1 cpu_s rss_max samples < <(awk -F, -v clk="$clk" 'NR == 2 { f0 = $3; t0 = $4; c0 = $5 } NR > 1 {
		n++; f1 = $3; t1 = $4; c1 = $5; if ($3 > fm) fm = $3; if ($2 > rm) rm = $2 }
		END { printf "%s %s %s %s %s %.0f %.0f %d\n", f0, f1, fm, t0, t1, (c1 - c0) / clk, rm / 1024, n }' "$csv")
	cpu_run=$(awk -v c="$cpu_s" -v s="$span" 'BEGIN { if (s > 0) printf "%.0f", c / s * 100; else print "?" }')
	# photographs: how many, how many differed from the one before, how many distinct
	read -r shots changed distinct < <(awk -F, 'NR > 1 && $6 != "" { n++; if (p != "" && $6 != p) c++; p = $6; if (!($6 in s)) { s[$6] = 1; d++ } }
		END { printf "%d %d %d\n", n, c, d }' "$csv")

	local fail=() verdict
	[ -z "${died:-}" ] || fail+=("$died")
	[ "$growth" != "?" ] || fail+=("too few samples to compare (warm-up $nwarm, last $nlast)")
	if [ "$growth" != "?" ] && awk -v g="$growth" 'BEGIN { exit !(g >= 5) }'; then fail+=("RSS grew ${growth} %"); fi
	# Successive photographs should differ as often as a slide changes
	# between them: each time when the dwell is shorter than their
	# interval, else about once per slide (urgent ones stay up twice as
	# long, so count slides of 2 × dwell). Half of that is enough.
	local expect
	expect=$(awk -v n="$((shots - 1))" -v span="$span" -v d="$(seconds "$DWELL")" \
		'BEGIN { e = span / (2 * d); if (e > n) e = n; printf "%d", e / 2 }')
	if [ "$shots" -lt 2 ] || [ "$changed" -lt "$expect" ] || [ "$changed" -lt 1 ]; then
		fail+=("the slide area changed in only $changed of $((shots - 1)) successive photographs (want $expect)")
	fi
	if [ "$rep_notices" -lt 2 ] || [ "$rep_seconds" -le 0 ]; then
		fail+=("the display log holds $rep_notices notices shown, $rep_seconds s")
	fi
	verdict="met"
	[ ${#fail[@]} -eq 0 ] || verdict="**missed**: $(printf '%s; ' "${fail[@]}" | sed 's/; $//')"

	mins() { awk -v s="$1" 'BEGIN { m = s / 60; if (s < 120) printf "%.0f s", s; else if (m == int(m)) printf "%d min", m; else printf "%.1f min", m }'; }
	local md=$work/soak.md
	{
		echo "\`SOAK_MINUTES=$MINUTES scripts/soak.sh\` (\`make soak\` runs 60): \`gongkai kiosk --mode display\` under Xvfb 1920x1080x24"
		echo "(software GL) on the screen benchmark's $ITEMS generated notices (${shown:-?} in rotation at this screen), dwell $DWELL (urgent and"
		echo "pinned twice that), an unchanged sync from the folder feed every $SYNC. RSS, open fds and threads from /proc every ${interval} s"
		echo "($samples samples, CSV kept in the work dir); growth = median RSS of $(mins "$last0")–$(mins "$last1") ÷ median of $(mins "$warm0")–$(mins "$warm1") (the last 10"
		echo "minutes against minutes 5–10, scaled down for runs under an hour). Rotation: the slide area photographed every $(mins "$shot_every");"
		echo "display log: \`gongkai report --json\` afterwards, notices with seconds in the rotation (shown_seconds) and their sum"
		echo "(time in the rotation while lit; the photographs are what show the slides change). Run started ${started:-?}."
		echo
		echo "| Duration | RSS $(mins "$warm0")–$(mins "$warm1") | RSS $(mins "$last0")–$(mins "$last1") | growth (goal < 5 %) | RSS peak | open fds start → end (max) | threads | CPU | rotation | display log | verdict |"
		echo "|---|---:|---:|---:|---:|---|---|---:|---|---|---|"
		echo "| $(mins "$span") | ${rss_warm} MB | ${rss_last} MB | ${growth} % | ${hwm:-$rss_max} MB | $fd0 → $fd1 ($fdmax) | $th0 → $th1 | ${cpu_run} % of a core | slide area changed in $changed of $((shots - 1)) photographs, $distinct distinct | $rep_notices notices shown, $rep_seconds s in all | $verdict |"
		echo
		echo "Syncs: last success $last_sync, last error $last_error, $sync_fail scheduled syncs failed; $log_errors error lines in the kiosk's log."
	} >"$md"
	cat "$md"
	if [ "$WRITE" = 1 ]; then
		cp "$md" "$work/section.md"
		md_section "$OUT" soak "$work/section.md"
		say "wrote the Soak section of $OUT"
	fi
	say "work files in $work"
	[ ${#fail[@]} -eq 0 ]
}

main() {
	MINUTES=${SOAK_MINUTES:-60}
	DWELL=${SOAK_DWELL:-200ms}
	SYNC=${SOAK_SYNC:-1m}
	ITEMS=${ITEMS:-10000}
	WRITE=${SOAK_WRITE:-0}
	OUT=${SOAK_OUT:-BENCHMARKS.md}
	MAX_RSS=${SOAK_MAX_RSS_MB:-4096}
	root=${BENCH_SCREEN_DIR:-/tmp/gongkai-screen-bench-v1}
	if [ "${SOAK_REPORT:-0}" = 1 ]; then
		work=${SOAK_DIR:?SOAK_REPORT=1 needs SOAK_DIR, the work dir of a run}
		report
		return
	fi
	if ! [[ $MINUTES =~ ^[0-9]+([.][0-9]+)?$ ]] || ! awk -v m="$MINUTES" 'BEGIN { exit !(m > 0) }'; then
		echo "soak: SOAK_MINUTES=$MINUTES: want a number of minutes above 0" >&2
		exit 2
	fi
	work=${SOAK_DIR:-$(mktemp -d /tmp/gongkai-soak.XXXXXX)}
	windows
	run
	report
}

main "$@"; exit
