# shellcheck shell=bash
# Wine for the Windows checks (scripts/wine-test.sh, scripts/package-test.sh).
# Source it; it defines functions and sets nothing else.

# wine_setup PREFIX: prints the Wine program to run, with WINEPREFIX=PREFIX
# made ready once: Debian 12's Wine 8.0 lacks bcryptprimitives.dll, whose
# ProcessPrng Go's runtime calls (Windows 10 has it, Wine only from 9.0),
# so a stand-in calling RtlGenRandom is built with mingw into the prefix.
# For these checks only: nothing shipped changes.
wine_setup() {
	local prefix=$1 wine dll src
	wine=$(command -v wine64 || command -v wine || ls /usr/lib/wine/wine64 2>/dev/null || true)
	[ -n "$wine" ] || { echo "Wine is not installed: apt-get install wine64" >&2; return 1; }
	command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "mingw is not installed: apt-get install gcc-mingw-w64-x86-64" >&2; return 1; }
	if [ ! -d "$prefix/drive_c/windows/system32" ]; then
		WINEPREFIX=$prefix WINEDEBUG=-all "$wine" wineboot --init >/dev/null 2>&1 || { echo "wineboot failed in $prefix" >&2; return 1; }
	fi
	dll=$prefix/drive_c/windows/system32/bcryptprimitives.dll
	if [ ! -f "$dll" ]; then
		src=$(mktemp --suffix=.c)
		cat >"$src" <<'C'
#include <windows.h>
#include <ntsecapi.h>
/* Stands in for Windows 10's bcryptprimitives.dll, which Wine 8.0 lacks:
   Go's runtime asks it for ProcessPrng. For scripts/lib-wine.sh only. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T n) {
	return RtlGenRandom(data, (ULONG)n);
}
C
		x86_64-w64-mingw32-gcc -shared -o "$dll" "$src" -ladvapi32 || { rm -f "$src"; return 1; }
		rm -f "$src"
	fi
	echo "$wine"
}

# winpath PATH: PATH as a Windows program under Wine names it (Wine maps
# / to drive Z:).
winpath() { local p=${1//\//\\}; echo "Z:$p"; }
