#!/usr/bin/env bash
# Runs every benchmark and rewrites its table in BENCHMARKS.md. Each table
# sits between <!-- bench:NAME --> and <!-- /bench:NAME --> markers, so a
# re-run replaces exactly the tables it produced; the rest of the file is
# left alone. Variables:
#   COUNT=5       runs of each Go benchmark (medians are reported)
#   SECTIONS="search apply sync screen monitor"   which to run
#   MONITOR_SCREENS=10000 MONITOR_ROUNDS=2 MONITOR_ROUND=60s MONITOR_DAYS=365 (the monitor section)
#   OUT=BENCHMARKS.md
# The Sync section is produced only when sync/ has BenchmarkSync… benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-5}
SECTIONS=${SECTIONS:-search apply sync screen monitor}
OUT=${OUT:-BENCHMARKS.md}
tmp=$(mktemp -d /tmp/gongkai-bench.XXXXXX)
say() { echo "bench: $*" >&2; }

[ -f "$OUT" ] || cat >"$OUT" <<'MD'
# Benchmarks

Figures measured side by side with what a user would pick instead, on the
same machine in the same run. `make bench` reruns everything and rewrites
the tables below (scripts/bench.sh); each table says how it was made.

<!-- bench:machine -->
<!-- /bench:machine -->

## Search

<!-- bench:search -->
<!-- /bench:search -->

## Apply

<!-- bench:apply -->
<!-- /bench:apply -->

## Sync

<!-- bench:sync -->
<!-- /bench:sync -->

## Screen

<!-- bench:screen -->
<!-- /bench:screen -->
MD

# shellcheck source=scripts/lib-screen.sh
. scripts/lib-screen.sh # md_section (shared with scripts/soak.sh), median

# section NAME FILE: put FILE between NAME's markers in OUT (appending
# the markers under a heading when missing).
section() { md_section "$OUT" "$1" "$2"; }

# metric UNIT: from Go benchmark lines on stdin, "name value" per line
metric() { awk -v u="$1" '/^Benchmark/ { n = $1; sub(/-[0-9]+$/, "", n); for (i = 3; i < NF; i++) if ($(i+1) == u) print n, $i }'; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
{
	echo "- Machine: \`$(uname -a)\`"
	echo "- CPU: $cpu, $(nproc) cores; $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo) RAM"
	echo "- Go: $(go version | awk '{ print $3 }')"
	echo "- Command: \`make bench\` (scripts/bench.sh; COUNT=$COUNT runs of each Go benchmark); each table names its own command and run date"
	echo "- The machine is shared with other work: load average when this ran $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
} >"$tmp/machine.md"
[ "$SECTIONS" != "search apply sync screen monitor" ] || section machine "$tmp/machine.md"

for s in $SECTIONS; do
case $s in
search)
	say "search: store BenchmarkSearch ×$COUNT (100k items; first run builds /tmp/gongkai-store-bench-v1)"
	go test -v -run '^$' -bench '^BenchmarkSearch$' -count "$COUNT" ./store/ | tee "$tmp/search.txt" >&2
	say "search: SQLite FTS5 trigram ×$COUNT (bench/fts5; first run builds /tmp/gongkai-fts5-bench-v1.db)"
	(cd bench/fts5 && go build -o "$tmp/fts5" .)
	for _ in $(seq 1 "$COUNT"); do "$tmp/fts5" >>"$tmp/fts5.tsv"; done
	{
		echo "100,000 generated notices (bench/corpus, seed 7), screen at village 0, searched at 2026-03-01; 8 queries per class, cycled."
		echo "Gongkai: \`go test -run '^\$' -bench '^BenchmarkSearch\$' -count $COUNT ./store/\` (in-memory index built from bbolt)."
		echo "FTS5: \`bench/fts5\` (modernc.org/sqlite, \`tokenize='trigram'\`, same notices, same visibility filter, newest first; pinyin as two extra"
		echo "indexed columns of full pinyin and initials). Times in ms, medians over $COUNT runs of each run's p50/p99."
		echo "Correct: each query's full hit count equals a brute-force substring count over the same visible notices (pinyin classes: the"
		echo "peer's pinyin columns, an approximation). For 1–2 characters FTS5 trigram MATCH finds nothing, so FTS5 is timed with the LIKE"
		echo "scan SQLite falls back to (correct, reads every row). Limit 20 is what the kiosk asks for; *all* returns every match."
		echo
		echo "| Class | Limit | Gongkai p50 | Gongkai p99 | FTS5 p50 | FTS5 p99 | FTS5 MATCH finds | p99 FTS5 ÷ Gongkai | Gongkai hits = reference | Verdict (faster at p99, correct) |"
		echo "|---|---:|---:|---:|---:|---:|---|---:|---|---|"
		grep -ho 'query-hits.*' "$tmp/search.txt" | sort -u | awk -F'\t' '{ print $2 "\t" $3 "\t" $4 }' >"$tmp/gk-hits.tsv" || true
		awk -F'\t' '$1 == "ref" { print $2 "\t" $3 "\t" $4 }' "$tmp/fts5.tsv" | sort -u >"$tmp/ref-hits.tsv"
		for limit in 20 0; do
			for class in 1char 2chars 3chars 4chars initials pinyin; do
				name="BenchmarkSearch/$class/limit=$limit"
				gp50=$(metric p50-ms <"$tmp/search.txt" | awk -v n="$name" '$1 == n { print $2 }' | median)
				gp99=$(metric p99-ms <"$tmp/search.txt" | awk -v n="$name" '$1 == n { print $2 }' | median)
				fc=$class
				case $class in 1char | 2chars) fc=$class-like ;; esac
				f() { awk -F'\t' -v c="$fc" -v l="$limit" -v k="$1" '$1 == "fts5" && $2 == c && $3 == l { print $k }' "$tmp/fts5.tsv" | median; }
				fp50=$(f 4); fp99=$(f 5)
				mcorrect=$(awk -F'\t' -v c="$class" -v l="$limit" '$1 == "fts5" && $2 == c && $3 == l { print $8 }' "$tmp/fts5.tsv" | sort -u | tr '\n' ' ')
				match="all hits"
				[ "$mcorrect" = "yes " ] || match="**0 hits** (under 3 chars: LIKE scan timed)"
				ratio=$(awk -v a="$fp99" -v b="$gp99" 'BEGIN { if (b > 0) printf "%.1f×", a/b; else print "—" }')
				fast=$(awk -v a="$gp99" -v b="$fp99" 'BEGIN { print (a < b) ? 1 : 0 }')
				agree=$(awk -F'\t' -v c="$class" 'NR == FNR { if ($1 == c) r[$2] = $3; next } $1 == c { n++; if ($2 in r && r[$2] == $3) ok++ } END { printf "%d/%d", ok, n }' "$tmp/ref-hits.tsv" "$tmp/gk-hits.tsv")
				verdict="met"
				case $class in
				initials | pinyin) agree="$agree (reference: the peer's own pinyin columns, not judged)" ;;
				*) [ "${agree%%/*}" = "${agree##*/}" ] || verdict="**missed**: hits differ from reference" ;;
				esac
				[ "$fast" = 1 ] || verdict="**missed**: slower at p99${verdict#met}"
				echo "| $class | ${limit/#0/all} | $gp50 | $gp99 | $fp50 | $fp99 | $match | $ratio | $agree | $verdict |"
			done
		done
		echo
		echo "Per-query hit counts, Gongkai vs reference (limit all): $(awk -F'\t' 'NR == FNR { r[$1 "/" $2] = $3; next } $1 !~ /initials|pinyin/ { k = $1 "/" $2; if (r[k] != $3) { bad++; printf "%s %s≠%s; ", $2, $3, r[k] } } END { if (!bad) printf "all equal." }' "$tmp/ref-hits.tsv" "$tmp/gk-hits.tsv")"
		grep -ho 'index of.*' "$tmp/search.txt" | sort -u | head -1 | sed 's/^/Gongkai /' || true
	} >"$tmp/search.md"
	section search "$tmp/search.md"
	;;
apply)
	say "apply: store BenchmarkApply10k vs BenchmarkRawPut10k ×$COUNT"
	go test -run '^$' -bench '^(BenchmarkApply10k|BenchmarkRawPut10k)$' -benchtime 3x -count "$COUNT" ./store/ | tee "$tmp/apply.txt" >&2
	a=$(metric ns/op <"$tmp/apply.txt" | awk '$1 == "BenchmarkApply10k" { print $2 }' | median)
	r=$(metric ns/op <"$tmp/apply.txt" | awk '$1 == "BenchmarkRawPut10k" { print $2 }' | median)
	ratio=$(awk -v a="$a" -v r="$r" 'BEGIN { printf "%.2f", a/r }')
	{
		echo "One transaction of 10,000 generated items (bench/corpus, seed 11) into a new store: Gongkai's Apply (all checks and indexes: category,"
		echo "location, validity, search documents, state) vs raw bbolt puts of the same item bytes in one transaction (same options)."
		echo "\`go test -run '^\$' -bench '^(BenchmarkApply10k|BenchmarkRawPut10k)\$' -benchtime 3x -count $COUNT ./store/\`; medians of $COUNT."
		echo
		echo "| | Apply (Gongkai) | raw bbolt puts | ratio | goal | verdict |"
		echo "|---|---:|---:|---:|---|---|"
		echo "| 10,000 items | $(awk -v n="$a" 'BEGIN { printf "%.0f ms", n/1e6 }') | $(awk -v n="$r" 'BEGIN { printf "%.0f ms", n/1e6 }') | ${ratio}× | ≤ 3× | $(awk -v x="$ratio" 'BEGIN { print (x <= 3) ? "met" : "**missed**" }') |"
	} >"$tmp/apply.md"
	section apply "$tmp/apply.md"
	;;
sync)
	if grep -qs '^func BenchmarkSync' sync/*_test.go; then
		say "sync: go test -bench Sync ./sync/"
		go test -run '^$' -bench Sync -benchtime 1x -timeout 0 ./sync/ | tee "$tmp/sync.txt" >&2
		{
			echo "\`go test -run '^\$' -bench Sync -benchtime 1x ./sync/\` (benchmarks and their goals by the sync owner; raw output):"
			echo
			echo '```'
			grep -E '^(Benchmark|goos|goarch|cpu|pkg)' "$tmp/sync.txt"
			echo '```'
		} >"$tmp/sync.md"
		section sync "$tmp/sync.md"
	else
		say "sync: no BenchmarkSync… in sync/ yet; section left as it is"
	fi
	;;
screen)
	say "screen: scripts/bench-screen.sh (Xvfb)"
	{
		echo "Under Xvfb (software GL, llvmpipe), gongkai \`kiosk\` on a screen provisioned with 10,000 generated notices through publish/init/sync:"
		echo "touch mode in a 1080x1920x24 screen beside \`bench/barewindow\` (one label, same font), then display mode (default 15 s dwell), and"
		echo "display mode outside its on-hours in a 1920x1080x24 one, beside the bare window in a second one, in the same run:"
		echo "\`RUNS=${RUNS:-3} scripts/bench-screen.sh\`."
		echo
		scripts/bench-screen.sh
	} >"$tmp/screen.md"
	section screen "$tmp/screen.md"
	;;
monitor)
	n=${MONITOR_SCREENS:-10000}
	rounds=${MONITOR_ROUNDS:-2}
	round=${MONITOR_ROUND:-60s}
	days=${MONITOR_DAYS:-365}
	say "monitor: $n screens against a real gongkai monitor (bench/monitorload), then a simulated year of 2 screens"
	go build -o "$tmp/gongkai" .
	{
		echo "A real \`gongkai monitor\` process on loopback, $n screens enrolled, reporting as the agent does (a heartbeat each, a quarter of"
		echo "them a screenshot, a 24th a proof upload cut to what the monitor lacks), 15 minutes compressed into $round, $rounds rounds; then every"
		echo "screen's heartbeat at once (64 in flight), the all-screens page, RSS sampled from /proc. The load generator runs on the same 2 cores."
		echo "\`go run ./bench/monitorload -bin BIN -screens $n -rounds $rounds -round $round\`:"
		echo
		go run ./bench/monitorload -bin "$tmp/gongkai" -screens "$n" -rounds "$rounds" -round "$round"
		echo
		echo "Disk per screen per year: \`go run ./bench/monitorload -year $days -screens 2\` (the monitor in-process on a simulated clock):"
		echo
		go run ./bench/monitorload -year "$days" -screens 2
	} >"$tmp/monitor.md"
	section monitor "$tmp/monitor.md"
	;;
esac
done
say "wrote $OUT (work files in $tmp)"
