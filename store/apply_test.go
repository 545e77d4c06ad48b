package store

import (
	"errors"
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

func TestInOrder(t *testing.T) {
	const n = 1000
	made := make([]atomic.Bool, n)
	var seen []int
	err := inOrder(n, 7, func(i int) { made[i].Store(true) }, func(i int) error {
		if !made[i].Load() {
			t.Errorf("then(%d) before work(%d)", i, i)
		}
		seen = append(seen, i)
		return nil
	})
	if err != nil || len(seen) != n {
		t.Fatalf("err %v, then called %d times, want nil and %d", err, len(seen), n)
	}
	for i, v := range seen {
		if v != i {
			t.Fatalf("then's %dth call was for %d: not in order", i, v)
		}
	}

	// then's error stops it, and no work runs after it returns
	var running atomic.Int64
	errStop := errors.New("stop")
	err = inOrder(n, 3, func(int) { running.Add(1); running.Add(-1) }, func(i int) error {
		if i == 10 {
			return errStop
		}
		return nil
	})
	if err != errStop || running.Load() != 0 {
		t.Errorf("err %v, %d work running after return; want the error and none", err, running.Load())
	}
}

func TestInOrderPanics(t *testing.T) {
	for _, in := range []string{"work", "then"} {
		func() {
			defer func() {
				if r := recover(); r != "boom in "+in {
					t.Errorf("recovered %v, want the panic in %s", r, in)
				}
			}()
			_ = inOrder(1000, 5, func(i int) {
				if in == "work" && i == 500 {
					panic("boom in work")
				}
			}, func(i int) error {
				if in == "then" && i == 500 {
					panic("boom in then")
				}
				return nil
			})
			t.Errorf("inOrder returned after a panic in %s", in)
		}()
	}
}

func TestBeside(t *testing.T) {
	errPut := errors.New("put failed")
	if err := beside(func() error { return errPut }).wait(); err != errPut {
		t.Errorf("wait = %v, want the function's error", err)
	}
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the function's panic in wait's caller", r)
		}
	}()
	task := beside(func() error { panic("boom") })
	task.join() // whatever it did
	_ = task.wait()
	t.Error("wait returned after a panic")
}
