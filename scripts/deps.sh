#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Gongkai needs to build, run and test,
# when they are missing. As root it runs apt-get; otherwise it prints the
# exact command to run, and fails before anything is built.
#
# Every outside program that Go code, tests or the make recipes call must be
# installed from here: deps/deps_test.go (part of make test) fails when one
# is not, and maps each program to its package. `make fresh-check` proves the
# list on a bare Debian 12 root (RELIABILITY.md, "Fresh machine").
set -euo pipefail

# The go command itself: cgo builds Fyne's window driver (gcc, pkg-config,
# GL/X headers), stamps the binary from .git (git) and downloads modules
# over HTTPS (ca-certificates).
# xvfb + xauth: make run without a display (xvfb-run), the real-window tests.
# nginx-light: network sync tests. curl: the sync benchmark's peer.
# x11-utils (xwininfo), imagemagick (import), xdotool: the smoke test and
# the screen benchmark find, photograph and tap the real window.
# poppler-utils (pdftoppm), tesseract-ocr + chi-sim: the paper tests render
# posters and certificates and read their Chinese back; the display smoke
# test reads its page mark.
# chromium: headless browser tests (chromedp). pandoc: .docx in tests.
# espeak-ng, sox, libasound2-dev, alsa-utils: speech and audio (cgo ALSA).
# Not needed: fonts-droid-fallback (the font ships inside the binary); mount
# (the reliability tests' mount/umount) and util-linux (prlimit) are in
# every Debian base system.
want=(
	gcc pkg-config libgl1-mesa-dev xorg-dev git ca-certificates
	xvfb xauth nginx-light curl x11-utils imagemagick xdotool
	poppler-utils tesseract-ocr tesseract-ocr-chi-sim
	chromium pandoc espeak-ng sox libsox-fmt-mp3 libasound2-dev alsa-utils
	"$@"
)

if ! command -v go >/dev/null; then
	echo "Go 1.26 is required (not found in PATH): https://go.dev/doc/install" >&2
	exit 1
fi

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "Missing packages: ${missing[*]}" >&2
	echo "Install them as root, then run make again:" >&2
	echo "  sudo sh -c '$cmd'" >&2
	echo "(no sudo: run the quoted command as root, e.g. su -c '…')" >&2
	exit 1
fi
echo "Installing: ${missing[*]}" >&2
sh -c "$cmd" >/dev/null
