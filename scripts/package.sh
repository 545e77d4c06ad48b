#!/usr/bin/env bash
# Builds the release bundles into dist/ (run by `make package`; DEPLOY.md says
# how to install them):
#   dist/gongkai-$VERSION-linux-amd64.tar.xz  `fyne package --release`: binary,
#                                             icon, .desktop entry and a Makefile
#   dist/gongkai.exe                          Windows kiosk (GUI subsystem: no
#                                             console window behind the screen)
#   dist/gongkai-console.exe                  the same program for a terminal, so
#                                             status/check/sync print their output
#   dist/SHA256SUMS
# VERSION, COMMIT and BUILD come from the Makefile (FyneApp.toml and git).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VERSION:?set by make}" "${COMMIT:?set by make}" "${BUILD:?set by make}"
GO=${GO:-go}
root=$PWD
tools=$root/bin/tools
fyne_tools=fyne.io/tools/cmd/fyne@v1.7.4
winres=github.com/tc-hib/go-winres@v0.3.3

# Pinned tools, installed into the repo rather than through go.mod, so the
# program's module graph stays the program's.
# (Output captured first: grep -q closing the pipe early fails it under pipefail.)
have=$("$tools/fyne" version 2>&1 || true)
if [[ $have != *"cli version: v1.7.4"* ]]; then
	echo "installing $fyne_tools into bin/tools" >&2
	GOBIN=$tools $GO install "$fyne_tools"
fi
if [ ! -x "$tools/go-winres" ]; then
	echo "installing $winres into bin/tools" >&2
	GOBIN=$tools $GO install "$winres"
fi

work=$(mktemp -d)
# go-winres writes its .syso beside main.go (go build only links resources
# from the main package's directory); it must not outlive this build.
syso=$root/zz_package_windows_amd64.syso
# fyne package rewrites FyneApp.toml after packaging (Build+1, comments
# dropped): put it back, so the build number is a deliberate, committed bump.
cp FyneApp.toml "$work/FyneApp.toml"
trap 'cp "$work/FyneApp.toml" FyneApp.toml; rm -rf "$work" "$syso"' EXIT
mkdir -p dist
rm -f dist/gongkai-*-linux-amd64.tar.xz dist/gongkai.exe dist/gongkai-console.exe dist/SHA256SUMS

# fyne package takes extra -ldflags only through GOFLAGS, one -ldflags= per
# word; it adds -s -w, -trimpath and the release tag itself.
goflags="$($GO env GOFLAGS) -ldflags=-X=gongkai/cli.Version=$VERSION -ldflags=-X=gongkai/cli.Commit=$COMMIT -ldflags=-X=gongkai/cli.Build=$BUILD"

echo "linux: fyne package --os linux --release" >&2
# It writes the archive into the current directory, named after the display
# name ("公开 Gongkai.tar.xz"): build in a scratch dir, rename into dist/.
(cd "$work" && GOFLAGS="$goflags" "$tools/fyne" package --os linux --release --src "$root")
mv "$work"/*.tar.xz "dist/gongkai-$VERSION-linux-amd64.tar.xz"

# Windows: not `fyne package --os windows`. It builds twice (again after
# making its .syso) and the second build drops the -ldflags from GOFLAGS, so
# the .exe would say version 0.1.0-dev. Same flags and tags by hand instead.
echo "windows: go-winres + go build (mingw-w64)" >&2
"$tools/go-winres" simply --arch amd64 --no-suffix --out "$syso" \
	--icon assets/icon.png --manifest gui \
	--product-name "公开 Gongkai" --file-description "公开 Gongkai 政务公开信息屏" \
	--product-version "$VERSION.$BUILD" --file-version "$VERSION.$BUILD" \
	--original-filename gongkai.exe
# timetzdata: Windows has no zoneinfo, and feeds are in Asia/Shanghai.
# release and migrated_fynedo: the tags fyne package adds (FyneApp.toml).
tags=timetzdata,release,migrated_fynedo
ldflags="-s -w -X gongkai/cli.Version=$VERSION -X gongkai/cli.Commit=$COMMIT -X gongkai/cli.Build=$BUILD"
for exe in gongkai.exe gongkai-console.exe; do
	extra=""
	[ "$exe" = gongkai.exe ] && extra="-H=windowsgui"
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=${WINDOWS_CC:-x86_64-w64-mingw32-gcc} \
		$GO build -trimpath -tags "$tags" -ldflags "$ldflags $extra" -o "dist/$exe" .
done

(cd dist && sha256sum gongkai-"$VERSION"-linux-amd64.tar.xz gongkai.exe gongkai-console.exe >SHA256SUMS)
ls -l dist >&2
