//go:build !linux

package admin

// diskFree is unknown off Linux; the status page shows "—".
func diskFree(string) (free, total uint64, ok bool) { return 0, 0, false }
