#!/usr/bin/env bash
# Runs every benchmark and rewrites its table in BENCHMARKS.md. Each table
# sits between <!-- bench:NAME --> and <!-- /bench:NAME --> markers, so a
# re-run replaces exactly the tables it produced; the rest of the file is
# left alone. Variables:
#   COUNT=5       runs of each Go benchmark (medians are reported)
#   SECTIONS="search sync screen searchscreen monitor"   which to run (search
#                 also writes Apply)
#   SEARCH_1M=1   search and Apply at 1,000,000 notices too (slow)
#   MONITOR_SCREENS=10000 MONITOR_ROUNDS=2 MONITOR_ROUND=60s MONITOR_DAYS=365 (the monitor section)
#   OUT=BENCHMARKS.md
# The Sync section is produced only when sync/ has BenchmarkSync… benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-5}
SECTIONS=${SECTIONS:-search sync screen searchscreen monitor}
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
[ "$SECTIONS" != "search sync screen searchscreen monitor" ] || section machine "$tmp/machine.md"

for s in $SECTIONS; do
case $s in
search)
	# Search and Apply at 100,000 notices, and 1,000,000 with SEARCH_1M=1
	# (building that store and its FTS5 peer takes the better part of an
	# hour on two cores): bench/searchbench on the store, bench/fts5 beside it.
	sizes=100000
	[ "${SEARCH_1M:-0}" = 1 ] && sizes="100000 1000000"
	go build -o "$tmp/searchbench" ./bench/searchbench
	(cd bench/fts5 && go build -o "$tmp/fts5" .)
	go build -o "$tmp/gongkai" .
	SB=$tmp/searchbench
	"$SB" queries >"$tmp/queries.tsv"
	COLD_RUNS=${COLD_RUNS:-3}
	# SEARCH_FROM=DIR: write the tables from an earlier run's work files
	[ -z "${SEARCH_FROM:-}" ] || { cp "$SEARCH_FROM"/*.tsv "$tmp"/; sizes_run=""; }
	for n in ${sizes_run-$sizes}; do
		dir=/tmp/gongkai-searchbench-v2-$n
		if ! cached "$dir" || [ "${SEARCH_REBUILD:-0}" = 1 ]; then
			say "search: building a screen of $n notices in $dir (one Apply)"
			rm -rf "$dir"
			"$SB" build -n "$n" -data "$dir" >"$tmp/build-$n.tsv"
			cp "$tmp/build-$n.tsv" "$dir/build.tsv"
			mark_cached "$dir"
		fi
		# Apply is timed in this run, beside the raw puts (the cached
		# screen above only serves the queries)
		say "search: Apply of $n items, then raw bbolt puts of the same items"
		"$SB" build -n "$n" -data "$tmp/apply-$n" >"$tmp/build-$n.tsv"
		rm -rf "$tmp/apply-$n"
		"$SB" rawput -n "$n" -db "$tmp/raw-$n.db" >"$tmp/raw-$n.tsv"
		say "search: the FTS5 peer's build of $n, then plain inserts of the same rows"
		"$tmp/fts5" -apply -n "$n" >"$tmp/fts5apply-$n.tsv"
		say "search: cold queries at $n ($COLD_RUNS new processes per query)"
		# "Cold" is a new process with the OS page cache warm, as the table
		# says: the Apply and raw puts just before used up to 10 GB at a
		# million and pushed parts of store.db out of the cache, and a
		# query that then reads from the disk measured the disk (p99 of
		# 13-23 ms in four classes where the same binary gives 3-8 ms).
		cat "$dir/store.db" >/dev/null
		while IFS=$'\t' read -r class q; do
			for _ in $(seq 1 "$COLD_RUNS"); do
				printf '%s\t' "$class" >>"$tmp/cold-$n.tsv"
				"$SB" cold -data "$dir" "$q" >>"$tmp/cold-$n.tsv"
			done
		done <"$tmp/queries.tsv"
		"$SB" run -runs 5 -- "$SB" cold -data "$dir" 征收 >"$tmp/coldrss-$n.tsv"
		say "search: warm queries at $n"
		"$SB" warm -data "$dir" -rounds "${WARM_ROUNDS:-25}" >"$tmp/warm-$n.tsv"
		say "search: SQLite FTS5 trigram at $n (first run builds its database)"
		for _ in $(seq 1 "${FTS5_RUNS:-3}"); do "$tmp/fts5" -n "$n" >>"$tmp/fts5-$n.tsv"; done
		if [ "$n" = 100000 ]; then
			say "search: the whole gongkai search command at $n"
			"$SB" run -runs 10 -- "$tmp/gongkai" search --data "$dir" 征收 >"$tmp/cli-$n.tsv"
			"$SB" run -runs 10 -- "$tmp/gongkai" search --data "$dir" --json tdzs >>"$tmp/cli-$n.tsv"
		fi
	done
	ms() { awk '{ printf "%.1f", $1 }'; }
	p99() { sort -g | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; if (NR == 0) print "?"; else print v[i] }'; }
	commas() { awk -v n="$1" 'BEGIN { s = sprintf("%d", n); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
	{
		echo "Generated notices (bench/corpus, seed 7; dates moved to around today), a screen at village 0 provisioned by one Apply"
		echo "(\`bench/searchbench build\`), searched at the corpus's moment; 8 queries per class. Gongkai answers from the posting lists in"
		echo "its bbolt file, nothing built at start. *Cold*: the first query of a new process after \`Open\` (read-only), page of 20,"
		echo "$COLD_RUNS processes per query, the OS page cache warm (\`bench/searchbench cold\`); p99 over the class's $((8 * COLD_RUNS)) runs."
		echo "*Warm*: the same process, ${WARM_ROUNDS:-25} rounds of the class (\`bench/searchbench warm\`). *Page*: 20 hits, what a screen asks;"
		echo "*count*: the exact total (\"找到 3,412 条\"); *all*: every hit with its record, as \`gongkai search\` prints. FTS5: \`bench/fts5\`"
		echo "(modernc.org/sqlite, \`tokenize='trigram'\`, the same notices and visibility, newest first; the topic's name in the text as"
		echo "Gongkai searches it; pinyin as two extra indexed columns; under 3 characters its LIKE scan, since trigram MATCH finds nothing)."
		echo "Times in ms; FTS5 medians of ${FTS5_RUNS:-3} runs of its own p50/p99."
		for n in $sizes; do
			echo
			echo "**$(commas "$n") notices** — store.db $(awk '{ printf "%.0f MB", $4/1048576 }' "$tmp/build-$n.tsv"), FTS5 database $(awk -F'\t' '$1 == "size" { printf "%.0f MB", $2/1048576; exit }' "$tmp/fts5-$n.tsv"):"
			echo
			echo "| Class | cold page p50 / p99 | warm page p50 / p99 | count p50 / p99 | all p50 / p99 | FTS5 20 p50 / p99 | FTS5 all p50 / p99 | hits = reference | goals: cold ≤ 10, page ≤ 5, count ≤ 20 |"
			echo "|---|---:|---:|---:|---:|---:|---:|---|---|"
			awk -F'\t' '$1 == "ref" { print $2 "\t" $3 "\t" $4 }' "$tmp/fts5-$n.tsv" | sort -u >"$tmp/ref-$n.tsv"
			awk -F'\t' '$1 == "hits" { print $2 "\t" $3 "\t" $4 }' "$tmp/warm-$n.tsv" | sort -u >"$tmp/gk-$n.tsv"
			while read -r class; do
				cold=$(awk -F'\t' -v c="$class" '$1 == c { print $5 }' "$tmp/cold-$n.tsv" | p99)
				cold50=$(awk -F'\t' -v c="$class" '$1 == c { print $5 }' "$tmp/cold-$n.tsv" | median)
				w() { awk -F'\t' -v c="$class" -v k="$1" -v f="$2" '$1 == "warm" && $2 == c && $3 == k { print $f }' "$tmp/warm-$n.tsv"; }
				fc=$class
				case $class in 1char | 2chars) fc=$class-like ;; esac
				f() { awk -F'\t' -v c="$fc" -v l="$1" -v k="$2" '$1 == "fts5" && $2 == c && $3 == l { print $k }' "$tmp/fts5-$n.tsv" | median; }
				agree=$(awk -F'\t' -v c="$class" 'NR == FNR { if ($1 == c) r[$2] = $3; next } $1 == c { n++; if ($2 in r && r[$2] == $3) ok++ } END { printf "%d/%d", ok, n }' "$tmp/ref-$n.tsv" "$tmp/gk-$n.tsv")
				case $class in initials | pinyin) agree="$agree (pinyin: not judged)" ;; esac
				verdict=$(awk -v a="$cold" -v b="$(w page 5)" -v c="$(w count 5)" 'BEGIN {
					m = ""; if (a > 10) m = m " cold"; if (b > 5) m = m " page"; if (c > 20) m = m " count"
					if (m == "") print "met"; else print "**missed**:" m }')
				echo "| $class | $cold50 / $cold | $(w page 4) / $(w page 5) | $(w count 4) / $(w count 5) | $(w all 4) / $(w all 5) | $(f 20 4) / $(f 20 5) | $(f 0 4) / $(f 0 5) | $agree | $verdict |"
			done < <(cut -f1 "$tmp/queries.tsv" | uniq)
			echo
			echo "Peak RSS of a cold search process (open, page, count; \`searchbench run\`): $(awk '{ print $4 }' "$tmp/coldrss-$n.tsv") MB."
			if [ -f "$tmp/cli-$n.tsv" ]; then
				read -r _ med mx rss cpu <"$tmp/cli-$n.tsv"
				read -r _ med2 mx2 rss2 cpu2 < <(tail -1 "$tmp/cli-$n.tsv")
				echo "The whole \`gongkai search --data D 征收\` command (prints $(awk -F'\t' '$2 == "征收" { print $3 }' "$tmp/gk-$n.tsv") hits; 10 runs): median $med ms (CPU $cpu ms), worst $mx ms, peak RSS $rss MB;"
				echo "\`--json tdzs\`: median $med2 ms (CPU $cpu2 ms), worst $mx2 ms, peak RSS $rss2 MB. Goal ≤ 150 ms and ≤ 60 MB: $(awk -v a="$mx" -v b="$rss" -v c="$mx2" -v d="$rss2" 'BEGIN { print (a <= 150 && b <= 60 && c <= 150 && d <= 60) ? "met" : "**missed**" }')."
			fi
			sz=$(awk '{ print $4 }' "$tmp/build-$n.tsv"); fsz=$(awk -F'\t' '$1 == "size" { print $2; exit }' "$tmp/fts5-$n.tsv")
			echo "Size: store.db ÷ FTS5 database = $(awk -v a="$sz" -v b="$fsz" 'BEGIN { printf "%.2f", a/b }') (goal ≤ 2: $(awk -v a="$sz" -v b="$fsz" 'BEGIN { print (a <= 2*b) ? "met" : "**missed**" }'); store.db holds the signed items, records and indexes too)."
		done
		echo
		echo "Per-query hit counts, Gongkai vs brute-force reference (Chinese classes): $(for n in $sizes; do awk -F'\t' -v n="$n" 'NR == FNR { r[$1 "/" $2] = $3; next } $1 !~ /initials|pinyin/ { k = $1 "/" $2; if (r[k] != $3) { bad++; printf "%s %s≠%s; ", $2, $3, r[k] } } END { if (!bad) printf "all equal at %d. ", n }' "$tmp/ref-$n.tsv" "$tmp/gk-$n.tsv"; done)"
	} >"$tmp/search.md"
	section search "$tmp/search.md"
	{
		echo "One transaction of generated items into a new store: Gongkai's Apply (all checks; records; category, location and validity"
		echo "indexes; search documents and posting lists) vs raw bbolt puts of the same item bytes in one transaction (same options)."
		echo "10,000: \`go test -run '^\$' -bench '^(BenchmarkApply10k|BenchmarkRawPut10k)\$' -benchtime 3x -count $COUNT ./store/\`, medians;"
		echo "larger: \`bench/searchbench build\` and \`rawput\`, one run each. The peer: \`bench/fts5 -apply\` builds the SQLite FTS5"
		echo "database of the same notices as the search tables use it (rows and trigram index, one transaction; pinyin worked out"
		echo "before the clock starts), then inserts the same rows into plain tables: what its index costs over its rows."
		echo
		echo "| items | Apply (Gongkai) | raw bbolt puts | ratio | goal | verdict | FTS5 build | its plain inserts | FTS5 ratio |"
		echo "|---:|---:|---:|---:|---|---|---:|---:|---:|"
		go test -run '^$' -bench '^(BenchmarkApply10k|BenchmarkRawPut10k|BenchmarkApplyBytes10k)$' -benchtime 3x -count "$COUNT" ./store/ | tee "$tmp/apply.txt" >&2
		a=$(metric ns/op <"$tmp/apply.txt" | awk '$1 == "BenchmarkApply10k" { print $2 / 1e6 }' | median)
		r=$(metric ns/op <"$tmp/apply.txt" | awk '$1 == "BenchmarkRawPut10k" { print $2 / 1e6 }' | median)
		[ -s "$tmp/fts5apply-10000.tsv" ] || "$tmp/fts5" -apply -n 10000 >"$tmp/fts5apply-10000.tsv"
		row() {
			{ cat "$4" 2>/dev/null || true; } | awk -v n="$1" -v a="$2" -v r="$3" -F'\t' '{ f = $3; p = $4 } END { x = a / r; printf "| %s | %.0f ms | %.0f ms | %.2f× | ≤ 3× | %s | ", n, a, r, x, (x <= 3) ? "met" : "**missed**"; if (p > 0) printf "%.0f ms | %.0f ms | %.1f× |\n", f, p, f / p; else print "— | — | — |" }'
		}
		row 10,000 "$a" "$r" "$tmp/fts5apply-10000.tsv"
		for n in $sizes; do
			row "$(commas "$n")" "$(awk '{ print $3 }' "$tmp/build-$n.tsv")" "$(awk '{ print $3 }' "$tmp/raw-$n.tsv")" "$tmp/fts5apply-$n.tsv"
		done
		ba=$(metric ns/op <"$tmp/apply.txt" | awk '$1 == "BenchmarkApplyBytes10k/all" { print $2 / 1e6 }' | median)
		bu=$(metric ns/op <"$tmp/apply.txt" | awk '$1 == "BenchmarkApplyBytes10k/unsearched" { print $2 / 1e6 }' | median)
		echo
		echo "The bytes alone (\`BenchmarkApplyBytes10k\`, same run): putting what a 10,000-item Apply leaves in the store, every"
		echo "bucket in key order with nothing worked out, takes $(awk -v a="$ba" -v r="$r" 'BEGIN { printf "%.0f ms, %.2f×", a, a / r }') raw puts; without the search"
		echo "index (docs, postings, ordinals, ids) $(awk -v a="$bu" -v r="$r" 'BEGIN { printf "%.0f ms, %.2f×", a, a / r }'). What is left of 3× for checking, decoding,"
		echo "finding terms and building the lists: $(awk -v a="$ba" -v r="$r" 'BEGIN { printf "%.0f ms", 3 * r - a }')."
	} >"$tmp/apply.md"
	section apply "$tmp/apply.md"
	;;
apply)
	say "apply: measured with search (SECTIONS=search)"
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
searchscreen)
	say "searchscreen: scripts/bench-search-screen.sh (Xvfb)"
	sizes="10000 100000"
	[ "${SEARCH_1M:-0}" = 1 ] && sizes="10000 100000 1000000"
	{
		echo "The kiosk in a real window under Xvfb (touch mode, 1080x1920, software GL), on screens of generated notices, beside"
		echo "\`bench/barewindow\` in the same server: from just before xdotool clicks a key of the search keypad to the page of hits on"
		echo "the glass (the kiosk reports the frame), for t, d, z, s in turn; and VmRSS after browsing (two page turns, a topic, a notice,"
		echo "home) and searching. \`SIZES='$sizes' RUNS=${RUNS:-3} scripts/bench-search-screen.sh\`."
		echo
		SIZES="$sizes" scripts/bench-search-screen.sh
	} >"$tmp/searchscreen.md"
	section searchscreen "$tmp/searchscreen.md"
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
