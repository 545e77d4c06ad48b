//go:build linux && !android && cgo

package playback

/*
#cgo pkg-config: alsa
#include <alsa/asoundlib.h>

static void quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {}
static void silence(void) { snd_lib_error_set_handler(quiet); }
*/
import "C"

// quietALSA stops libasound printing its complaints to the process's
// stderr: on a screen without a sound card it writes a dozen lines of
// "cannot find card '0'" into the kiosk's log at start. What matters of
// them reaches us anyway, as the error oto returns (ErrNoCard).
func quietALSA() { C.silence() }
