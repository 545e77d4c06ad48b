#!/usr/bin/env bash
# make fresh-check: the README's two commands, exactly as written, on a
# bare Debian 12 (bookworm) root, as a newcomer would run them.
#
# The bare root is mmdebstrap's minbase variant plus make (the README's one
# prerequisite besides Go) from this machine's Debian mirror; it is cached
# as a tarball keyed by that package list and the mirror, and every run
# starts from a pristine copy of it, so scripts/deps.sh really installs from
# nothing. Into each copy go Go (a copy of this machine's GOROOT, as
# https://go.dev/doc/install unpacks it to /usr/local/go) and a clean clone
# of this worktree's HEAD. Then, each step timed:
#   1. an ordinary user on a root without the packages: `make run` and
#      `make test` must print the apt-get line and fail before any build;
#   2. root: `make run` under Xvfb (no DISPLAY: the Makefile's xvfb-run
#      path) must bring the kiosk up and keep it running RUN_SECONDS, then
#      `make test`;
#   3. an ordinary user on that root, now with the packages, in a fresh
#      clone: `make run` and `make test` again (FRESH_USER=0 skips this).
# Module downloads go through GOPROXY as on a user's machine: the module
# cache starts empty (the host's is not copied in).
#
# Needs root (chroot, mounts). Variables:
#   FRESH_CACHE   cache dir (${XDG_CACHE_HOME:-~/.cache}/gongkai-fresh)
#   FRESH_SOURCES apt sources file for the root (default: this machine's
#                 Debian bookworm sources, else deb.debian.org)
#   RUN_SECONDS   how long the kiosk must keep running (30)
#   RUN_LIMIT     seconds make run may take to bring the kiosk up (3600)
#   TEST_LIMIT    seconds make test may take (7200)
#   FRESH_USER    1: also run as an ordinary user with the packages (1)
#   FRESH_WRITE   1: rewrite the "Fresh machine" section of RELIABILITY.md (0)
#   KEEP          1: keep the work roots and logs
set -euo pipefail

repo=$(git rev-parse --show-toplevel)
cd "$repo"
CACHE=${FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gongkai-fresh}
RUN_SECONDS=${RUN_SECONDS:-30}
RUN_LIMIT=${RUN_LIMIT:-3600}
TEST_LIMIT=${TEST_LIMIT:-7200}
FRESH_USER=${FRESH_USER:-1}
FRESH_WRITE=${FRESH_WRITE:-0}
KEEP=${KEEP:-0}
SUITE=bookworm
VARIANT=minbase
INCLUDE=make
USERNAME=villager

say() { echo "fresh-check: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (it bootstraps a Debian root, chroots and mounts /proc, /dev, /sys into it)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed: apt-get install mmdebstrap"
GOROOT_HOST=$(go env GOROOT)
[ -x "$GOROOT_HOST/bin/go" ] || die "no Go at $GOROOT_HOST"
head=$(git rev-parse HEAD)
[ -z "$(git status --porcelain)" ] || say "warning: uncommitted changes are not checked: the clone is of HEAD $(git rev-parse --short HEAD)"

# The apt sources of the root: this machine's Debian bookworm mirror when
# it has one (the only network it may use), else Debian's own.
sources=$(mktemp)
if [ -n "${FRESH_SOURCES:-}" ]; then
	cp "$FRESH_SOURCES" "$sources"
else
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		if [ -f "$f" ] && grep -qs "^[^#]*$SUITE" "$f" && grep -qs '^[^#]*/debian' "$f"; then
			cat "$f" >>"$sources"
			echo >>"$sources"
		fi
	done
	if ! grep -q '[^[:space:]]' "$sources"; then
		printf 'deb http://deb.debian.org/debian %s %s-updates main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
			"$SUITE" "$SUITE" "$SUITE" >"$sources"
	fi
fi
case $(head -c 200 "$sources") in
*Types:*) srcext=sources ;;
*) srcext=list ;;
esac
mv "$sources" "$sources.$srcext"
sources=$sources.$srcext

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/run.XXXXXX")
logs=$work/logs
mkdir -p "$logs"

# ---- cleanup: every process in a root, every mount under $work ----------
running=() # process groups (timeout's) of the steps under way
roots=()
cleanup() {
	local rc=$? g p r m
	trap - EXIT INT TERM
	for g in "${running[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
	for r in "${roots[@]}"; do
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && kill -KILL "${p#/proc/}" 2>/dev/null || true
		done
	done
	sleep 1
	# Innermost first: tests may have left their own mounts in a root.
	for m in $(awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
	done
	if awk -v w="$work/" 'index($5, w) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
		say "mounts remain under $work: not deleting it"
	elif [ "$KEEP" = 1 ]; then
		say "kept $work"
	else
		rm -rf --one-file-system "$work"
	fi
	rm -f "$sources"
	exit "$rc"
}
trap cleanup EXIT
trap 'say interrupted; exit 130' INT TERM

# ---- timing table --------------------------------------------------------
steps=()    # "what|result|seconds"
failed=0
record() { # what result seconds
	steps+=("$1|$2|$3")
	say "$(printf '%-62s %-5s %6s s' "$1" "$2" "$3")"
	[ "$2" = ok ] || failed=1
}

# ---- the bare root, cached -------------------------------------------------
key=$( { echo "$SUITE $VARIANT $INCLUDE"; mmdebstrap --version; cat "$sources"; } | sha256sum | cut -c1-16)
bare=$CACHE/bare-$SUITE-$key.tar
t0=$SECONDS
if [ -f "$bare" ]; then
	record "bare root: cached $(basename "$bare")" ok $((SECONDS - t0))
else
	say "bootstrapping $SUITE ($VARIANT + $INCLUDE) into $bare"
	if mmdebstrap --format=tar --variant="$VARIANT" --include="$INCLUDE" "$SUITE" "$bare.tmp" "$sources" >"$logs/mmdebstrap.log" 2>&1; then
		mv "$bare.tmp" "$bare"
		record "bare root: mmdebstrap $SUITE $VARIANT + $INCLUDE" ok $((SECONDS - t0))
	else
		rm -f "$bare.tmp"
		tail -20 "$logs/mmdebstrap.log" >&2
		record "bare root: mmdebstrap $SUITE $VARIANT + $INCLUDE" FAIL $((SECONDS - t0))
		exit 1
	fi
fi

# new_root NAME: a pristine copy of the bare root with Go, DNS and the
# machine's local CA certificates (trusted only once deps.sh installs
# ca-certificates, as on a machine whose network needs them), mounted.
new_root() {
	local r=$work/$1
	mkdir "$r"
	roots+=("$r")
	tar -xpf "$bare" -C "$r"
	cp -a "$GOROOT_HOST" "$r/usr/local/go"
	cp /etc/resolv.conf /etc/hosts "$r/etc/"
	if compgen -G '/usr/local/share/ca-certificates/*' >/dev/null; then
		mkdir -p "$r/usr/local/share/ca-certificates"
		cp -a /usr/local/share/ca-certificates/. "$r/usr/local/share/ca-certificates/"
	fi
	mount -t proc proc "$r/proc"
	mount --rbind /dev "$r/dev"
	mount --make-rslave "$r/dev"
	mount -t sysfs sysfs "$r/sys"
}

# add_user ROOT: the ordinary user, as adduser would make one.
add_user() {
	chroot "$1" useradd --create-home --shell /bin/bash "$USERNAME"
}

# clone ROOT DIR OWNER: a clean clone of HEAD, owned by its user (git, and so
# go build's VCS stamping, refuses a repository owned by someone else).
clone() {
	local dest=$1$2
	git clone -q --no-hardlinks "$repo" "$dest"
	[ "$(git -C "$dest" rev-parse HEAD)" = "$head" ] || git -C "$dest" checkout -q --detach "$head"
	[ "$3" = root ] || chroot "$1" chown -R "$3:$3" "$2"
}

# in_root ROOT USER DIR CMD...: sets cmdline to run CMD in DIR as USER with
# the environment of a fresh login: HOME, PATH with /usr/local/go/bin added
# (as go.dev/doc/install says), no DISPLAY, no LANG. Proxy and Go proxy
# settings of the caller pass through, as a user's machine would have them.
cmdline=()
in_root() {
	local r=$1 u=$2 dir=$3 home path v
	shift 3
	if [ "$u" = root ]; then
		home=/root path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/go/bin
	else
		home=/home/$u path=/usr/local/bin:/usr/bin:/bin:/usr/games:/usr/local/go/bin
	fi
	local envs=(HOME="$home" USER="$u" LOGNAME="$u" SHELL=/bin/bash PATH="$path" TERM=dumb)
	for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY GOPROXY GONOPROXY GOPRIVATE GONOSUMDB GOSUMDB GOINSECURE; do
		if [ -n "${!v:-}" ]; then envs+=("$v=${!v}"); fi
	done
	cmdline=(chroot --userspec="$u:$u" "$r" env -i "${envs[@]}" sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "$@")
}

# start LIMIT LOG: runs cmdline in the background under timeout, which puts
# it in a process group of its own (one kill stops make and all it started,
# as timeout itself would; Ctrl-C here stops it through cleanup). Sets bg.
bg=""
start() {
	timeout -k 30 "$1" "${cmdline[@]}" >"$2" 2>&1 &
	bg=$!
	running+=("$bg")
}
finish() { # -> exit status of the background step
	local rc=0
	wait "$bg" || rc=$?
	local g kept=()
	for g in "${running[@]}"; do [ "$g" = "$bg" ] || kept+=("$g"); done
	running=("${kept[@]}")
	return "$rc"
}

# make_fails_early ROOT USER DIR TARGET: make TARGET must print the apt-get
# line and fail, having built and downloaded nothing.
make_fails_early() {
	local r=$1 u=$2 dir=$3 target=$4 log=$logs/$(basename "$1")-$2-$4.log t0=$SECONDS rc=0 why=""
	in_root "$r" "$u" "$dir" make "$target"
	start 600 "$log"
	finish || rc=$?
	if [ "$rc" -eq 0 ]; then
		why="exited 0"
	elif ! grep -q "sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends" "$log"; then
		why="no apt-get line"
	elif grep -qE '^go (build|vet|test)' "$log" || [ -e "$r$dir/bin" ] || [ -e "$r/home/$u/.cache/go-build" ] || [ -e "$r/home/$u/go" ]; then
		why="it went on to build"
	fi
	sed 's/^/    | /' "$log" >&2
	record "$u, no packages: make $target prints apt-get, exit $rc, nothing built${why:+ ($why)}" "$([ -z "$why" ] && echo ok || echo FAIL)" $((SECONDS - t0))
}

# make_run ROOT USER DIR: make run must bring the kiosk up (deps, build and
# start within RUN_LIMIT) and keep it running RUN_SECONDS, then it is
# stopped as timeout would stop it. Fatal output fails it.
make_run() {
	local r=$1 u=$2 dir=$3 log=$logs/$(basename "$1")-$2-run.log t0=$SECONDS pid up="" p why="" before=""
	in_root "$r" "$u" "$dir" make run
	start "$RUN_LIMIT" "$log"
	pid=$bg
	local depsat=- builtat=-
	while kill -0 "$pid" 2>/dev/null; do
		# The phases of make run: deps.sh done when make echoes go build,
		# the build done when the binary is there.
		[ "$depsat" = - ] && grep -q '^go build' "$log" && depsat=$((SECONDS - t0))
		[ "$builtat" = - ] && [ -e "$r$dir/bin/gongkai" ] && builtat=$((SECONDS - t0))
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/exe" 2>/dev/null)" = "$r$dir/bin/gongkai" ] && up=${p#/proc/} && break
		done
		[ -n "$up" ] && break
		sleep 2
	done
	local upafter=$((SECONDS - t0))
	if [ -z "$up" ]; then
		finish || true
		why="make run ended before the kiosk was up"
	else
		local t1=$SECONDS
		while [ $((SECONDS - t1)) -lt "$RUN_SECONDS" ] && kill -0 "$up" 2>/dev/null; do sleep 1; done
		kill -0 "$up" 2>/dev/null || why="the kiosk exited after $((SECONDS - t1)) s"
		before=$(stat -c %s "$log") # what X clients print as they are killed is no fault
		kill -TERM -- "-$pid" 2>/dev/null || true
		finish || true
	fi
	if head -c "${before:-$(stat -c %s "$log")}" "$log" | grep -qiE 'panic:|fatal|SIGSEGV|segmentation fault|cannot open display|Fyne error'; then
		why="${why:+$why; }fatal output"
	fi
	sed 's/^/    | /' "$log" | tail -40 >&2
	record "$u: make run (deps done at $depsat s, built at $builtat s, kiosk up at $upafter s, kept running $RUN_SECONDS s)${why:+ ($why)}" \
		"$([ -z "$why" ] && echo ok || echo FAIL)" $((SECONDS - t0))
}

# make_test ROOT USER DIR: make test must pass within TEST_LIMIT.
make_test() {
	local r=$1 u=$2 dir=$3 log=$logs/$(basename "$1")-$2-test.log t0=$SECONDS rc=0
	in_root "$r" "$u" "$dir" make test
	start "$TEST_LIMIT" "$log"
	finish || rc=$?
	grep -E '^(--- FAIL|FAIL|ok |panic:|make: )' "$log" | sed 's/^/    | /' >&2 || true
	[ "$rc" -eq 0 ] || tail -60 "$log" | sed 's/^/    | /' >&2
	record "$u: make test$([ "$rc" -eq 124 ] && echo " (timed out after $TEST_LIMIT s)")" \
		"$([ "$rc" -eq 0 ] && echo ok || echo FAIL)" $((SECONDS - t0))
}

# 1. An ordinary user on a root without the packages.
# (Preparation steps fail by set -e; they are recorded when they succeed.)
t0=$SECONDS
new_root bare
add_user "$work/bare"
clone "$work/bare" "/home/$USERNAME/gongkai" "$USERNAME"
record "bare copy: unpack, Go, clone as $USERNAME" ok $((SECONDS - t0))
make_fails_early "$work/bare" "$USERNAME" "/home/$USERNAME/gongkai" run
make_fails_early "$work/bare" "$USERNAME" "/home/$USERNAME/gongkai" test

# 2. Root: installs the packages, builds, runs, tests.
t0=$SECONDS
new_root fresh
clone "$work/fresh" /root/gongkai root
record "root copy: unpack, Go, clone as root" ok $((SECONDS - t0))
make_run "$work/fresh" root /root/gongkai
make_test "$work/fresh" root /root/gongkai

# 3. An ordinary user on the same root, now with the packages.
if [ "$FRESH_USER" = 1 ]; then
	t0=$SECONDS
	add_user "$work/fresh"
	clone "$work/fresh" "/home/$USERNAME/gongkai" "$USERNAME"
	record "$USERNAME on that root: add, clone" ok $((SECONDS - t0))
	make_run "$work/fresh" "$USERNAME" "/home/$USERNAME/gongkai"
	make_test "$work/fresh" "$USERNAME" "/home/$USERNAME/gongkai"
fi

# ---- report ----------------------------------------------------------------
total=0
table="| Step | Result | Time |
|---|---|---:|"
for s in "${steps[@]}"; do
	IFS='|' read -r what res secs <<<"$s"
	total=$((total + secs))
	table+="
| $what | $res | $(printf '%d min %02d s' $((secs / 60)) $((secs % 60))) |"
done
verdict=$([ "$failed" = 0 ] && echo pass || echo "**FAIL**")
echo
echo "$table"
echo
say "$(echo "$verdict" | tr -d '*') in $((total / 60)) min $((total % 60)) s (logs: $logs$([ "$KEEP" = 1 ] || echo ', deleted on exit: KEEP=1 keeps them'))"

if [ "$FRESH_WRITE" = 1 ]; then
	section="## Fresh machine

\`make fresh-check\` (scripts/fresh-check.sh) runs the README's two commands exactly as written on a bare
Debian 12 root (mmdebstrap $VARIANT + $INCLUDE from the Debian mirror, Go copied to /usr/local/go, a clean
clone): an ordinary user without the packages gets the apt-get line and a failure before anything builds;
root installs them (scripts/deps.sh), runs the kiosk under Xvfb for $RUN_SECONDS s, runs \`make test\`; an ordinary
user does both again in a fresh clone. Run it after every change to dependencies; not in CI (too slow).

- Date: $(date -u +%Y-%m-%dT%H:%MZ), commit ${head:0:7}, $(go version | awk '{ print $3 }'), $(nproc) cores
- Result: $verdict in $((total / 60)) min $((total % 60)) s

$table"
	# Everything before an earlier Fresh machine section, then this one
	# (last: scripts/torture.sh, which rewrites the file, carries it over).
	rest=$(awk '/^## Fresh machine/ { skip = 1; next } skip && /^## / { skip = 0 } !skip' RELIABILITY.md)
	printf '%s\n\n%s\n' "$rest" "$section" >RELIABILITY.md
	say "wrote the Fresh machine section of RELIABILITY.md"
fi
[ "$failed" = 0 ]
