# shellcheck shell=bash
# Shell helpers shared by the scripts that run the real kiosk under Xvfb
# (scripts/bench-screen.sh, scripts/soak.sh) and rewrite BENCHMARKS.md
# (scripts/bench.sh). Source it; it defines functions and sets nothing else
# but the globals named below.

# store_schema prints the store layout this tree writes (store/layout.go).
# A cached screen is marked with it (mark_cached DIR) and reused only by a
# tree of the same layout (cached DIR): one of an older layout would be
# refused read-only, or rebuilt inside what a benchmark times.
store_schema() { sed -n 's/^[[:space:]]*schemaVersion = "\(.*\)"$/\1/p' store/layout.go; }
cached() { [ -n "$(store_schema)" ] && [ "$(cat "$1/.complete" 2>/dev/null)" = "$(store_schema)" ]; }
mark_cached() { store_schema >"$1/.complete"; }

# screen_template ROOT ITEMS GONGKAI FEEDGEN: prints the path of a data
# directory provisioned with ITEMS generated notices through the real
# publish/init/sync path, ROOT/data-ITEMS, building it once (publishing
# fsyncs every object, so it takes minutes). Its feed (ROOT/feed) is kept:
# the template is rebuilt when the folder its config syncs from is gone, so
# a kiosk started on a copy can sync (unchanged) as a real screen does.
screen_template() {
	local root=$1 items=$2 g=$3 feedgen=$4
	local tmpl=$root/data-$items src
	if cached "$tmpl"; then
		src=$(sed -n 's/^sources = \["\([^"]*\)".*/\1/p' "$tmpl/config.toml")
		if [ -n "$src" ] && [ -f "$src/manifest.json" ]; then
			echo "$tmpl"
			return
		fi
		echo "screen template $tmpl: its feed ${src:-(none)} is gone; building it again" >&2
	fi
	rm -rf "$tmpl" "$root/src" "$root/feed" "$root/key"
	mkdir -p "$root"
	"$feedgen" -n "$items" -out "$root/src" >&2
	"$g" keygen --out "$root/key" >/dev/null
	"$g" publish --key "$root/key/publisher.key" --src "$root/src" --out "$root/feed" --expires 8760h >&2
	"$g" init --data "$tmpl" --location 310118901201 --pubkey "$root/key/publisher.pub" --source "$root/feed" >&2
	"$g" sync --data "$tmpl" >&2
	mark_cached "$tmpl"
	echo "$tmpl"
}

# set_config DIR KEY VALUE: sets a string setting in DIR/config.toml
# (replacing the line, or adding it).
set_config() {
	local f=$1/config.toml key=$2 val=$3
	if grep -q "^$key = " "$f"; then
		sed -i "s|^$key = .*|$key = \"$val\"|" "$f"
	else
		echo "$key = \"$val\"" >>"$f"
	fi
}

# start_x [WxH]: a fresh Xvfb on a free display number well above the ones
# xvfb-run and desktops take (other programs, and other benchmark runs, may
# share this machine); exports DISPLAY, sets xpid. A number another Xvfb
# grabbed between the check and the start is skipped.
xpid=""
start_x() {
	local geom=${1:-1080x1920} n
	for n in $(seq 140 199); do
		[ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
		Xvfb ":$n" -screen 0 "${geom}x24" -nolisten tcp >/dev/null 2>&1 &
		xpid=$!
		for _ in $(seq 1 50); do
			kill -0 "$xpid" 2>/dev/null || break
			if [ -e "/tmp/.X11-unix/X$n" ]; then
				export DISPLAY=:$n
				return
			fi
			sleep 0.1
		done
		kill "$xpid" 2>/dev/null || true
		wait "$xpid" 2>/dev/null || true
		xpid=""
	done
	echo "no Xvfb could start on :140-:199" >&2
	exit 1
}
stop_x() { [ -z "$xpid" ] || { kill "$xpid" 2>/dev/null; wait "$xpid" 2>/dev/null || true; xpid=""; }; }

# /proc readings of a process.
clk=$(getconf CLK_TCK)
cputicks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# rss_mb PID: VmRSS in MB; its parts (heap and stacks, mapped files, shared
# memory) go to stderr, since file pages (the store's mapped pages, fonts,
# GL libraries) are not the program's own memory
rss_mb() {
	awk '/^Rss(Anon|File|Shmem)/ { printf "%s %.0f MB  ", $1, $2/1024 } END { print "" }' "/proc/$1/status" >&2
	awk '/^VmRSS/ { printf "%.0f", $2/1024 }' "/proc/$1/status"
}
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
threads() { awk '/^Threads/ { print $2 }' "/proc/$1/status"; }
# cpu_pct T0 T1 SECONDS: ticks to % of one core
cpu_pct() { awk -v a="$1" -v b="$2" -v c="$clk" -v s="$3" 'BEGIN { printf "%.2f", (b-a)/c/s*100 }'; }
now_s() { date +%s.%N; }

# shot_hash [CROP]: md5 of the X screen's pixels (CROP an ImageMagick
# geometry such as 1920x760+0+200), to see whether the screen changed. The
# X server does the reading: it costs the client under test nothing.
shot_hash() {
	local crop=()
	[ -z "${1:-}" ] || crop=(-crop "$1")
	import -display "$DISPLAY" -window root "${crop[@]}" rgb:- 2>/dev/null | md5sum | cut -c1-12
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "?"; else print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'; }

# md_section OUT NAME BODY: put file BODY between <!-- bench:NAME --> and
# <!-- /bench:NAME --> in OUT (appending the markers under a heading when
# missing), followed by the run date and load average; the rest of OUT is
# left alone.
md_section() {
	local out=$1 name=$2 body=$3 tmpout
	if ! grep -q "<!-- bench:$name -->" "$out"; then
		printf '\n## %s\n\n<!-- bench:%s -->\n<!-- /bench:%s -->\n' "${name^}" "$name" "$name" >>"$out"
	fi
	{ echo; echo "_Run $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg) at its end._"; } >>"$body"
	tmpout=$(mktemp "${TMPDIR:-/tmp}/gongkai-md.XXXXXX")
	awk -v name="$name" -v body="$body" '
		$0 == "<!-- bench:" name " -->" { print; while ((getline l < body) > 0) print l; skip = 1; next }
		$0 == "<!-- /bench:" name " -->" { skip = 0 }
		!skip { print }' "$out" >"$tmpout"
	cat "$tmpout" >"$out"
	rm -f "$tmpout"
}
