// Package diskspace reads how much room a file system has left, on each
// system a screen runs on: the admin panel's status page and stick list,
// and the health report a screen sends the township's monitor, show it.
package diskspace

// Of gives the bytes free for this user and the total size of the file
// system (on Windows, the volume) that holds dir; ok is false when they
// cannot be read.
func Of(dir string) (free, total uint64, ok bool) { return of(dir) }
