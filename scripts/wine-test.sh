#!/usr/bin/env bash
# make wine-test: the packages' tests, built for Windows (amd64) and run
# under Wine, the nearest thing to a Windows screen this machine has
# (DEPLOY.md ships gongkai.exe for Windows mini-PCs). Not part of make test:
# Wine and mingw are no dependency of the kiosk. Run it after a change to
# anything that touches files, paths, processes or the network. Its first
# run found that every atomicfile.Write failed on Windows (0a24684).
#
# Debian 12's Wine 8.0 runs Go 1.26 programs with two stand-ins, made here
# for this check only (nothing shipped changes):
#   - bcryptprimitives.dll: Go's runtime calls its ProcessPrng, which
#     Windows 10 has and Wine only from 9.0. A stand-in is built with
#     mingw into this check's own Wine prefix (scripts/lib-wine.sh).
#   - a build overlay of Go's internal/syscall/windows: Wine 8 answers the
#     delete call os.RemoveAll tries first with a status Windows does not
#     give, so every t.TempDir cleanup failed. The overlay takes Go's own
#     fallback for it.
# The packages that need cgo (Fyne's window: the main package, cli, kiosk,
# ui/studio, bench/barewindow) are not built. The rest run in their own
# folder, as go test runs them, with -short (it skips the tests that need
# Linux programs such as pdftoppm or nginx). The tests in skip below need
# what this check's Windows lacks; each says why.
#
# Variables: WINE_PREFIX (${XDG_CACHE_HOME:-~/.cache}/gongkai-wine),
# PKGS (import paths; default every package), TIMEOUT (seconds per
# package, 900).
set -euo pipefail

repo=$(git rev-parse --show-toplevel)
cd "$repo"
PREFIX=${WINE_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/gongkai-wine}
TIMEOUT=${TIMEOUT:-900}

say() { echo "wine-test: $*" >&2; }
die() { say "$*"; exit 1; }

# shellcheck source=scripts/lib-wine.sh
. scripts/lib-wine.sh

# skip: package → the -test.skip pattern of its tests this check cannot run.
declare -A skip=(
	# Linux programs and devices a Windows screen does not have here
	[gongkai/deps]='.'                        # Debian's packages
	[gongkai/playback]='.'                    # sox and ALSA
	[gongkai/watchdog]='.'                    # systemd's notify socket
	[gongkai/docx]='TestPandoc'               # pandoc
	[gongkai/publish]='TestSpeakGrowsWithText|TestItemAudio|TestPlanSeesARecording|TestParseSourceRefusals/attachment_.*_via_symlink' # espeak-ng, sox; Wine's symlinks
	[gongkai/ui]='TestDisplayWaitsForTheSoundToEnd|TestAdminPanelStopsReadingAloud|TestDisplayReadsAloudOnlyWhenOn' # sox
	[gongkai/ui/villager]='TestReadAloud'     # sox
	# Unix file modes: Windows has ACLs instead
	[gongkai/pin]='TestLockSurvivesRestart'
	[gongkai/proof]='TestDeviceKeyIsPrivateToItsUser|TestDeviceKey$'
	# Linux's own places and words
	[gongkai/config]='TestInitRejects/control_char' # Windows refuses a NUL in a path first
	# Wine's symlinks are Unix ones: refused all the same, with other words
	[gongkai/store]='TestOpenRemovesStaleTemps'
	[gongkai/sync]='TestFolderSymlinks|TestAttacksLeaveTheStoreUnchanged/object_is_a_symlink_out_of_the_folder'
)

# Packages that are Linux tools, not built for Windows.
declare -A linuxOnly=(
	[gongkai/bench/searchbench]='measures with getrusage'
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WINEPREFIX=$PREFIX WINEDEBUG=-all

wine=$(wine_setup "$PREFIX") || die "no Wine to run the tests"

# The overlay: Deleteat's last resort becomes Go's own fallback.
at=$(go env GOROOT)/src/internal/syscall/windows/at_windows.go
mark=$'\t\treturn err.(NTStatus).Errno()'
[ "$(grep -cxF "$mark" "$at")" = 1 ] || die "$at has changed: look at Deleteat again and mend the overlay"
sed "s|^$mark\$|\t\treturn deleteatFallback(h) // Wine 8 (scripts/wine-test.sh)|" "$at" >"$work/at_windows.go"
printf '{"Replace":{"%s":"%s"}}\n' "$at" "$work/at_windows.go" >"$work/overlay.json"

pkgs=${PKGS:-$(go list ./...)}
failed=() notbuilt=()
for p in $pkgs; do
	[ -z "${linuxOnly[$p]:-}" ] || continue
	exe=$work/$(echo "$p" | tr / _).exe
	if ! CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test -overlay "$work/overlay.json" -c -o "$exe" "$p" >"$work/build.log" 2>&1; then
		if grep -q 'build constraints exclude all Go files\|glfw\|go-gl' "$work/build.log"; then
			notbuilt+=("$p")
			continue
		fi
		cat "$work/build.log" >&2
		failed+=("$p (build)")
		continue
	fi
	[ -f "$exe" ] || continue # no tests
	dir=$(go list -f '{{.Dir}}' "$p")
	args=(-test.short -test.timeout "${TIMEOUT}s")
	[ -z "${skip[$p]:-}" ] || args+=(-test.skip "${skip[$p]}")
	if (cd "$dir" && timeout $((TIMEOUT + 60)) "$wine" "$exe" "${args[@]}" >"$work/out.log" 2>&1); then
		echo "ok   $p"
	else
		echo "FAIL $p"
		grep -v '^=== \|^    --- PASS\|^--- PASS' "$work/out.log" | tail -40 >&2
		failed+=("$p")
	fi
done
[ ${#notbuilt[@]} -eq 0 ] || say "not built (they need cgo): ${notbuilt[*]}"
if [ ${#failed[@]} -gt 0 ]; then
	die "failed under Wine: ${failed[*]}"
fi
say "every package's tests pass under $("$wine" --version 2>/dev/null)"
