package sync

import "testing"

// nginx serves the network tests' feeds from loopback on Linux; the tests'
// Windows build (make wine-test) skips them.
func startNginx(t testing.TB, root string) (url string, accessLog func() []string) {
	return startNginxWith(t, root, "")
}

func startNginxWith(t testing.TB, _, _ string) (url string, accessLog func() []string) {
	t.Helper()
	t.Skip("nginx: the network tests run on Linux")
	return "", nil
}
