#!/usr/bin/env bash
# Checks what `make package` made, and deploy/ (run by `make package-test`;
# too slow for `make test`):
#   1. the Linux bundle installs into a temporary prefix with its Makefile,
#      prints its version, and the kiosk starts under Xvfb and tells a
#      stand-in systemd notify socket READY=1, then WATCHDOG=1;
#   2. Restart=always in miniature: a supervisor loop around the real kiosk,
#      which is killed with SIGKILL and must come back (this machine has no
#      systemd running, so `systemd-run --user` is not an option);
#   3. the .exe files are PE32+, and run `version` under Wine when it is
#      installed (with the stand-in DLL of scripts/lib-wine.sh);
#   4. systemd-analyze verify deploy/linux/gongkai-kiosk.service;
#   5. deploy/nginx/gongkai-feed.conf serves a published demo feed with its
#      caching headers, and a provisioned screen syncs from it;
#   6. under Wine, the console .exe provisions a screen, syncs it from the
#      feed folder and from nginx, and checks it;
#   7. under Wine, the kiosk .exe shows that screen full screen on the Xvfb
#      display and answers taps, and the studio lists a folder of notices
#      (read back with tesseract).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VERSION:?set by make}" "${COMMIT:?set by make}" "${BUILD:?set by make}"
root=$PWD
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 1 # let the kiosks close their files before they are removed
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }
want="gongkai $VERSION (build $BUILD, commit $COMMIT)"

# --- 1. Linux bundle -------------------------------------------------------
tarball=dist/gongkai-$VERSION-linux-amd64.tar.xz
[ -f "$tarball" ] || fail "$tarball missing: run make package"
tar -xJf "$tarball" -C "$tmp"
make -s -C "$tmp/gongkai" install PREFIX="$tmp/prefix" >/dev/null
bin=$tmp/prefix/bin/gongkai
for f in "$bin" "$tmp/prefix/share/applications/cn.gov.gongkai.kiosk.desktop" "$tmp/prefix/share/pixmaps/cn.gov.gongkai.kiosk.png"; do
	[ -e "$f" ] || fail "bundle did not install ${f#"$tmp"/}"
done
grep -q '^Categories=Office;Viewer;' "$tmp/prefix/share/applications/cn.gov.gongkai.kiosk.desktop" || fail ".desktop entry has no categories"
got=$("$bin" version)
[ "$got" = "$want" ] || fail "installed gongkai version: got '$got', want '$want'"
pass "bundle installs into a temporary prefix; $got"

# A stand-in for systemd's notify socket: records every datagram, one a line.
listen() { # socket log
	python3 - "$1" "$2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(256).decode() + "\n")
PY
	pids+=($!)
	for _ in $(seq 50); do [ -S "$1" ] && return; sleep 0.1; done
	fail "notify listener did not start"
}
count() { grep -c "^$1\$" "$2" || true; }

export HOME=$tmp/home LANG=zh_CN.UTF-8
mkdir -p "$HOME"
# Xvfb without NOTIFY_SOCKET: Xorg servers send READY=1 themselves when they
# see one (hence deploy/linux/gongkai-xserver), and only the kiosk's count.
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
sleep 1
export DISPLAY=$display
# gongkai with no command: the kiosk on the embedded demo feed.
listen "$tmp/notify1" "$tmp/notify1.log"
NOTIFY_SOCKET=$tmp/notify1 WATCHDOG_USEC=1000000 "$bin" >"$tmp/kiosk1.log" 2>&1 &
kpid=$!
pids+=("$kpid")
sleep 8
kill -0 "$kpid" 2>/dev/null || { cat "$tmp/kiosk1.log" >&2; fail "kiosk exited under Xvfb"; }
ready=$(count READY=1 "$tmp/notify1.log")
pings=$(count WATCHDOG=1 "$tmp/notify1.log")
[ "$ready" -eq 1 ] && [ "$pings" -ge 3 ] || { cat "$tmp/notify1.log" >&2; fail "notify: READY=1 x$ready, WATCHDOG=1 x$pings (want 1, >=3)"; }
kill "$kpid"
wait "$kpid" 2>/dev/null || true
pass "kiosk runs under Xvfb; it sent READY=1 and then $pings WATCHDOG=1 from its UI loop"

# --- 2. restart after SIGKILL ----------------------------------------------
# The loop below is what Restart=always + RestartSec do; the unit itself is
# checked by systemd-analyze in step 4.
listen "$tmp/notify2" "$tmp/notify2.log"
(
	while :; do
		NOTIFY_SOCKET=$tmp/notify2 WATCHDOG_USEC=1000000 "$bin" >>"$tmp/kiosk2.log" 2>&1 &
		echo $! >>"$tmp/kiosk2.pids"
		wait $! || true
		sleep 1 # RestartSec
	done
) &
pids+=($!)
waitfor() { # what count
	for _ in $(seq 150); do [ "$(count "$1" "$tmp/notify2.log")" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}
waitfor READY=1 1 || { cat "$tmp/kiosk2.log" >&2; fail "supervised kiosk never became ready"; }
first=$(tail -n1 "$tmp/kiosk2.pids")
kill -KILL "$first"
waitfor READY=1 2 || fail "kiosk not restarted after SIGKILL"
second=$(tail -n1 "$tmp/kiosk2.pids")
[ "$second" != "$first" ] && kill -0 "$second" || fail "no new kiosk process after SIGKILL"
pass "kiosk $first killed with SIGKILL; supervisor restarted it as $second, which sent READY=1 again"
kill "${pids[-1]}" 2>/dev/null || true
kill "$second" 2>/dev/null || true

# --- 3. Windows -------------------------------------------------------------
for exe in dist/gongkai.exe dist/gongkai-console.exe; do
	file "$exe" | grep -q 'PE32+ executable' || fail "$exe: $(file -b "$exe")"
done
pass "$(file dist/gongkai.exe dist/gongkai-console.exe | tr -s ' ' | paste -sd ';')"
# shellcheck source=scripts/lib-wine.sh
. scripts/lib-wine.sh
wine=""
if ! command -v wine64 >/dev/null && ! command -v wine >/dev/null && [ ! -x /usr/lib/wine/wine64 ]; then
	echo "skip wine: not installed (apt-get install wine64)"
else
	wine=$(wine_setup "$tmp/wine") || fail "could not make a Wine prefix"
	out=$(WINEPREFIX=$tmp/wine WINEDEBUG=-all timeout 120 "$wine" dist/gongkai-console.exe version 2>&1 || true)
	[ "$(echo "$out" | tr -d '\r' | grep '^gongkai ')" = "$want" ] || { echo "$out" >&2; fail "wine gongkai-console.exe version"; }
	pass "wine: $want"
fi

# --- 4. systemd unit ----------------------------------------------------------
# verify also checks that ExecStart's program exists; on a build machine
# without Xorg/xinit that (and only that) message is expected.
unit=deploy/linux/gongkai-kiosk.service
out=$(systemd-analyze verify "$unit" 2>&1 || true)
rest=$(echo "$out" | grep -v -e '^$' -e 'Command /usr/bin/xinit is not executable' -e 'Unit gongkai-kiosk.service has a bad unit file setting' || true)
[ -z "$rest" ] || { echo "$out" >&2; fail "systemd-analyze verify $unit"; }
pass "systemd-analyze verify $unit${out:+ (only: $(echo "$out" | head -n1))}"
sh -n deploy/linux/gongkai-session || fail "gongkai-session: syntax"

# --- 5. nginx sample config ---------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" keygen --out "$tmp/keys" >/dev/null
"$bin" publish --key "$tmp/keys/publisher.key" --src assets/demo --out "$tmp/srv/feed" >/dev/null
sed -e "s|listen 80;|listen 127.0.0.1:$port;|" -e "s|/srv/gongkai/feed|$tmp/srv/feed|" \
	deploy/nginx/gongkai-feed.conf >"$tmp/site.conf"
cat >"$tmp/nginx.conf" <<NGINX
daemon on;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $tmp/nginx-body;
    proxy_temp_path $tmp/nginx-proxy;
    fastcgi_temp_path $tmp/nginx-fcgi;
    uwsgi_temp_path $tmp/nginx-uwsgi;
    scgi_temp_path $tmp/nginx-scgi;
    include $tmp/site.conf;
}
NGINX
# nginx's workers run as an unprivileged user: let them read the feed.
chmod 755 "$tmp"
chmod -R a+rX "$tmp/srv"
nginx -t -q -c "$tmp/nginx.conf" -p "$tmp" || fail "nginx -t rejects deploy/nginx/gongkai-feed.conf"
nginx -c "$tmp/nginx.conf" -p "$tmp"
url=http://127.0.0.1:$port
m=$(curl -sSI "$url/manifest.json" | tr -d '\r')
echo "$m" | grep -qi '^Cache-Control: no-cache$' || { echo "$m"; fail "manifest.json: no Cache-Control: no-cache"; }
etag=$(echo "$m" | awk -F': ' 'tolower($1)=="etag" {print $2}')
[ -n "$etag" ] || { echo "$m"; fail "manifest.json: no ETag"; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url/manifest.json")
[ "$code" = 304 ] || fail "manifest.json with If-None-Match: $code, want 304"
obj=$(cd "$tmp/srv/feed" && find objects -type f | head -n1)
o=$(curl -sSI "$url/$obj" | tr -d '\r')
echo "$o" | grep -qi '^Cache-Control: public, max-age=31536000, immutable$' || { echo "$o"; fail "$obj: no immutable Cache-Control"; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/")" = 404 ] || fail "directory listing is not 404"
pass "nginx: manifest.json no-cache + ETag (304 on If-None-Match), $obj immutable"
data=$tmp/screen
"$bin" init --data "$data" --location 310118901201 --pubkey "$tmp/keys/publisher.pub" --source "$url/" >/dev/null
"$bin" sync --data "$data" >"$tmp/sync.log"
"$bin" status --data "$data" --json >"$tmp/status.json"
"$bin" check --data "$data" >/dev/null
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["version"]==1 and s["items"]>0 and not s["last_error"], s' "$tmp/status.json" ||
	fail "status after sync: $(cat "$tmp/status.json")"
pass "screen synced from nginx: $(cat "$tmp/sync.log")"

# --- 6. the Windows program's data path, under Wine ---------------------------
# The console .exe provisions a screen, syncs it from the published folder
# (as from a stick) and from nginx, and checks its store: atomic writes,
# bbolt, attachments and the network on Windows.
if [ -n "$wine" ]; then
	w() { WINEPREFIX=$tmp/wine WINEDEBUG=-all timeout 300 "$wine" dist/gongkai-console.exe "$@"; }
	wdata=$tmp/winscreen
	w init --data "$(winpath "$wdata")" --location 310118901201 --pubkey "$(winpath "$tmp/keys/publisher.pub")" \
		--source "$(winpath "$tmp/srv/feed")" >"$tmp/winsync.log" 2>&1 || { cat "$tmp/winsync.log" >&2; fail "wine: init"; }
	w sync --data "$(winpath "$wdata")" >>"$tmp/winsync.log" 2>&1 || { cat "$tmp/winsync.log" >&2; fail "wine: sync from the folder"; }
	w sync --data "$(winpath "$wdata")" --source "$url/" >>"$tmp/winsync.log" 2>&1 || { cat "$tmp/winsync.log" >&2; fail "wine: sync from nginx"; }
	w check --data "$(winpath "$wdata")" >>"$tmp/winsync.log" 2>&1 || { cat "$tmp/winsync.log" >&2; fail "wine: check"; }
	size=$(stat -c %s "$wdata/store.db")
	[ "$size" -lt $((16 << 20)) ] || fail "wine: store.db of the demo feed is $size bytes"
	pass "wine: gongkai-console.exe init, sync (folder, then nginx), check; store.db $((size >> 10)) KB"
fi

# --- 7. the Windows kiosk's window, under Wine --------------------------------
# gongkai.exe is the cgo build (Fyne's GL window, mingw): it runs the screen of
# step 6 full screen on the Xvfb display. tesseract reads the glass; a tap on
# 搜索公告 must open the keypad, and one on 首页 bring the home back: the
# Windows window, its font and its input, where step 6 had only the console.
if [ -n "$wine" ]; then
	glass() { # tesseract's reading of the screen, spaces dropped (tsv: the words and their boxes)
		import -window root "$tmp/winshot.png" && tesseract "$tmp/winshot.png" - -l chi_sim "$@" 2>/dev/null
	}
	shows() { # text seconds
		for _ in $(seq "$2"); do glass | tr -d ' ' | grep -q "$1" && return 0; sleep 1; done
		echo "the window reads:" >&2
		glass | tr -d ' ' | grep -v '^$' >&2
		return 1
	}
	tapword() { # word: a tap on the middle of it, where tesseract finds it
		local at
		at=$(glass --psm 11 tsv | awk -F'\t' -v w="$1" 'NR>1 && index($12, w) {print int($7+$9/2), int($8+$10/2); exit}')
		[ -n "$at" ] || { echo "no $1 on the window" >&2; return 1; }
		# shellcheck disable=SC2086 # x y
		xdotool mousemove $at click 1
	}
	WINEPREFIX=$tmp/wine WINEDEBUG=-all timeout 600 "$wine" dist/gongkai.exe kiosk --fullscreen --data "$(winpath "$wdata")" >"$tmp/winkiosk.log" 2>&1 &
	pids+=($!)
	shows 东湾村 120 || fail "wine: gongkai.exe kiosk did not show the screen's home"
	tapword 搜索 && shows 请按下方按键输入 30 || fail "wine: a tap on 搜索公告 did not open the keypad"
	tapword 首页 && shows 重要通知 30 || fail "wine: a tap on 首页 did not bring the home back"
	pass "wine: gongkai.exe kiosk shows the home full screen; taps open the search keypad and go back home"
	kill "${pids[-1]}"
	wait "${pids[-1]}" 2>/dev/null || true
	# the studio, as a clerk on a Windows PC opens a folder of notices
	cp -r assets/demo "$tmp/winsrc"
	WINEPREFIX=$tmp/wine WINEDEBUG=-all timeout 600 "$wine" dist/gongkai.exe studio --src "$(winpath "$tmp/winsrc")" >"$tmp/winstudio.log" 2>&1 &
	pids+=($!)
	shows '已打开.*条公告' 120 || fail "wine: gongkai.exe studio did not list its folder's notices"
	pass "wine: gongkai.exe studio opens a folder of notices and lists them"
fi
echo "package-test: all checks passed"
