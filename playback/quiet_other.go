//go:build !linux || android || !cgo

package playback

// quietALSA: only libasound writes to stderr on its own.
func quietALSA() {}
