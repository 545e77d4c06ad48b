package agent

import "golang.org/x/sys/windows"

// diskSpace is the free (for this user) and total bytes of dir's volume;
// zeros when it cannot be read.
func diskSpace(dir string) (free, total int64) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, 0
	}
	var avail, tot, all uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &tot, &all); err != nil {
		return 0, 0
	}
	return int64(avail), int64(tot)
}
