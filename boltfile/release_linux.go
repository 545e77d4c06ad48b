package boltfile

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// Release tells the kernel this process need not keep the file's pages
// mapped, inside a transaction the caller holds (whose mmap lock keeps the
// mapping from being replaced under the call). The pages stay in the page
// cache and the next read maps them again; bbolt maps the file read-only
// and shared and writes with pwrite, so dropping the mapping's pages loses
// nothing. A read-write open with NoFreelistSync walks every page to
// rebuild the freelist, and a walk through much of the file (an Apply, a
// check, a listing of every hit) leaves what it read resident: tens of
// megabytes a long-running kiosk would carry for nothing.
func Release(tx *bolt.Tx) {
	data, size := tx.DB().Info().Data, tx.Size()
	if data == 0 || size <= 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, data, uintptr(size), syscall.MADV_DONTNEED)
}

// ResidentKB is how much of the file at path this process has mapped and
// resident, from /proc/self/smaps: what Release drops (for tests).
func ResidentKB(path string) (int, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	kb, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		// a mapping's header: address range, perms, offset, dev, inode[, path]
		if fields := strings.Fields(line); len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = len(fields) >= 6 && fields[len(fields)-1] == path
			continue
		}
		if in && strings.HasPrefix(line, "Rss:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			kb += n
		}
	}
	return kb, sc.Err()
}
