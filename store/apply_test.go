package store

import (
	"sync/atomic"
	"testing"
)

func TestParallel(t *testing.T) {
	var sum atomic.Int64
	parallel(1000, func(i int) { sum.Add(int64(i)) })
	if got := sum.Load(); got != 999*1000/2 {
		t.Errorf("sum = %d, want %d", got, 999*1000/2)
	}
	// A panic in a worker reaches the caller (where update recovers it)
	// instead of killing the program.
	defer func() {
		if r := recover(); r != "item 500" {
			t.Errorf("recovered %v, want the worker's panic", r)
		}
	}()
	parallel(1000, func(i int) {
		if i == 500 {
			panic("item 500")
		}
	})
	t.Error("parallel returned after a panic")
}
