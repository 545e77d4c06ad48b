#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Gongkai needs to build, run and test,
# when they are missing. As root it runs apt-get; otherwise it prints the
# exact command to run, and fails.
set -euo pipefail

# gcc + pkg-config + GL/X headers: the cgo build of Fyne's window driver.
# xvfb: the real-window smoke tests. nginx-light: network sync tests.
# x11-utils (xwininfo), imagemagick (import), xdotool: the smoke test and
# the screen benchmark find, photograph and tap the real window.
# chromium: the monitor's web page is tested in headless Chromium (chromedp).
# fonts-droid-fallback is not needed: the font ships inside the binary.
want=(gcc pkg-config libgl1-mesa-dev xorg-dev xvfb xauth nginx-light x11-utils imagemagick xdotool chromium "$@")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v go >/dev/null; then
	echo "Go 1.26 is required: https://go.dev/doc/install" >&2
	exit 1
fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "Missing packages: ${missing[*]}" >&2
	echo "Run: sudo sh -c '$cmd'" >&2
	exit 1
fi
echo "Installing: ${missing[*]}" >&2
sh -c "$cmd" >/dev/null
