package diskspace

import "golang.org/x/sys/windows"

func of(dir string) (free, total uint64, ok bool) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, 0, false
	}
	var all uint64
	if windows.GetDiskFreeSpaceEx(p, &free, &total, &all) != nil {
		return 0, 0, false
	}
	return free, total, true
}
