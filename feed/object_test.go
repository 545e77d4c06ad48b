package feed

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func objectOf(data []byte) Object { return Object{SHA256: Sum(data), Size: int64(len(data))} }

func TestObjectReader(t *testing.T) {
	data := []byte(strings.Repeat("青禾镇政务公开 object bytes\n", 300))
	o := objectOf(data)
	altered := bytes.Clone(data)
	altered[len(altered)-1] ^= 1

	tests := []struct {
		name string
		r    io.Reader
		want error // nil: the whole object, then io.EOF
	}{
		{"exact", bytes.NewReader(data), nil},
		{"exact, one byte at a time", iotest.OneByteReader(bytes.NewReader(data)), nil},
		{"exact, EOF with the last data", iotest.DataErrReader(bytes.NewReader(data)), nil},
		{"exact, half reads", iotest.HalfReader(bytes.NewReader(data)), nil},
		{"altered byte", bytes.NewReader(altered), ErrObjectHash},
		{"altered first byte", bytes.NewReader(append([]byte{data[0] ^ 0x80}, data[1:]...)), ErrObjectHash},
		{"short", bytes.NewReader(data[:len(data)-1]), ErrObjectSize},
		{"empty", bytes.NewReader(nil), ErrObjectSize},
		{"one byte longer", bytes.NewReader(append(bytes.Clone(data), 'x')), ErrObjectSize},
		{"much longer", bytes.NewReader(bytes.Repeat(data, 3)), ErrObjectSize},
		{"longer, EOF with the last data", iotest.DataErrReader(bytes.NewReader(append(bytes.Clone(data), 'x'))), ErrObjectSize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := io.ReadAll(NewObjectReader(tc.r, o))
			if tc.want == nil {
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("read %d bytes, err %v; want the object", len(got), err)
				}
				return
			}
			wantOnly(t, err, tc.want)
			if len(got) > len(data) {
				t.Errorf("delivered %d bytes of an object of %d", len(got), len(data))
			}
		})
	}
}

func TestObjectReaderEndless(t *testing.T) {
	for _, size := range []int64{0, 1, 100, 4096, 100_000} {
		data := bytes.Repeat([]byte{'a'}, int(size))
		e := &endless{}
		n, err := io.Copy(io.Discard, NewObjectReader(e, objectOf(data)))
		wantOnly(t, err, ErrObjectSize)
		if e.n > size+1 {
			t.Errorf("size %d: read %d bytes from an endless stream, want at most %d", size, e.n, size+1)
		}
		if n > size {
			t.Errorf("size %d: delivered %d bytes", size, n)
		}
	}
}

func TestObjectReaderStickyError(t *testing.T) {
	data := []byte("hello")
	r := NewObjectReader(strings.NewReader("hellO"), objectOf(data))
	_, err := io.ReadAll(r)
	wantOnly(t, err, ErrObjectHash)
	if n, err2 := r.Read(make([]byte, 10)); n != 0 || err2 != err {
		t.Errorf("read after failure = %d, %v; want 0, %v", n, err2, err)
	}
}

func TestObjectReaderPassesReadErrors(t *testing.T) {
	boom := errors.New("network down")
	data := []byte("some object")
	r := io.MultiReader(strings.NewReader("some"), iotest.ErrReader(boom))
	_, err := io.ReadAll(NewObjectReader(r, objectOf(data)))
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the transport's error", err)
	}
}

func TestObjectReaderMalformedObject(t *testing.T) {
	// Must not panic on an object no manifest could hold.
	for _, o := range []Object{{}, {SHA256: "ab"}, {SHA256: "x", Size: -1}, {SHA256: strings.Repeat("0", 64), Size: 1<<63 - 1}} {
		if err := CheckObject([]byte("data"), o); err == nil {
			t.Errorf("CheckObject(%+v) = nil", o)
		}
		if err := CheckObject(nil, o); err == nil {
			t.Errorf("CheckObject(nil, %+v) = nil", o)
		}
	}
}

func TestResumeObjectReader(t *testing.T) {
	data := []byte(strings.Repeat("0123456789", 100))
	o := objectOf(data)
	for _, k := range []int{0, 1, 500, len(data) - 1, len(data)} {
		got, err := io.ReadAll(ResumeObjectReader(data[:k], bytes.NewReader(data[k:]), o))
		if err != nil || !bytes.Equal(got, data[k:]) {
			t.Errorf("prefix %d: read %d bytes, %v; want the rest of the object", k, len(got), err)
		}
	}
	// A corrupt prefix (a damaged partial download) fails the hash.
	bad := bytes.Clone(data[:500])
	bad[10] ^= 1
	_, err := io.ReadAll(ResumeObjectReader(bad, bytes.NewReader(data[500:]), o))
	wantOnly(t, err, ErrObjectHash)
	// A rest that runs on is cut at the object's end.
	e := &endless{}
	_, err = io.ReadAll(ResumeObjectReader(data[:500], e, o))
	wantOnly(t, err, ErrObjectSize)
	if e.n > int64(len(data)-500+1) {
		t.Errorf("resumed reader read %d bytes of an endless rest, want at most %d", e.n, len(data)-500+1)
	}
	// A prefix longer than the object.
	_, err = io.ReadAll(ResumeObjectReader(append(bytes.Clone(data), 'x'), bytes.NewReader(nil), o))
	wantOnly(t, err, ErrObjectSize)
	// Short rest.
	_, err = io.ReadAll(ResumeObjectReader(data[:500], bytes.NewReader(data[500:900]), o))
	wantOnly(t, err, ErrObjectSize)
}

func TestCheckObject(t *testing.T) {
	data := []byte("attachment")
	if err := CheckObject(data, objectOf(data)); err != nil {
		t.Errorf("intact: %v", err)
	}
	if err := CheckObject(nil, objectOf(nil)); err != nil {
		t.Errorf("empty object: %v", err)
	}
	wantOnly(t, CheckObject([]byte("attachmenT"), objectOf(data)), ErrObjectHash)
	wantOnly(t, CheckObject([]byte("attach"), objectOf(data)), ErrObjectSize)
	wantOnly(t, CheckObject([]byte("attachments"), objectOf(data)), ErrObjectSize)
}
