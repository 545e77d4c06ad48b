package feed

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// bigFixture is the fixture with n more items (their objects are not
// made: shards list references only).
func bigFixture(t testing.TB, n int) *fixture {
	f := newFixture(t)
	for i := range n {
		sum := Sum([]byte(fmt.Sprint("item ", i)))
		f.m.Items = append(f.m.Items, ItemRef{ID: fmt.Sprintf("gen-%06d", i), Object: Object{SHA256: sum, Size: 100}})
		f.m.Attachments = append(f.m.Attachments, Object{SHA256: Sum([]byte(fmt.Sprint("att ", i))), Size: int64(i)})
	}
	return f
}

func TestShardCount(t *testing.T) {
	for _, c := range []struct{ items, want int }{
		{0, 0}, {ShardAbove, 0}, {ShardAbove + 1, 8}, {100_000, 16}, {1_000_000, 128}, {MaxFeedItems, 256},
		{math.MaxInt, MaxShards},
	} {
		if got := ShardCount(c.items); got != c.want {
			t.Errorf("ShardCount(%d) = %d, want %d", c.items, got, c.want)
		}
	}
}

// A sharded feed reads, once expanded, exactly as the same feed unsharded:
// same items and attachments in the same order, and Objects names the
// shards too.
func TestShardedManifestExpandsToTheFlatOne(t *testing.T) {
	f := bigFixture(t, 3000)
	flat, err := EncodeManifest(f.m)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseManifest(flat)
	if err != nil {
		t.Fatal(err)
	}
	raw, shards, err := EncodeSharded(f.m, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(shards) != 7 || len(raw) > 4096 {
		t.Fatalf("%d shards, manifest %d bytes", len(shards), len(raw))
	}
	v, err := Verify(raw, Sign(raw, f.priv), Trust{Key: f.pub, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Items) != 0 || v.Expanded() {
		t.Fatalf("a sharded manifest lists %d items before Expand (expanded %v)", len(v.Items), v.Expanded())
	}
	if err := v.Expand(shards); err != nil {
		t.Fatal(err)
	}
	if !v.Expanded() || !reflect.DeepEqual(v.Items, want.Items) || !reflect.DeepEqual(v.Attachments, want.Attachments) {
		t.Fatalf("expanded: %d items, %d attachments; flat: %d, %d", len(v.Items), len(v.Attachments), len(want.Items), len(want.Attachments))
	}
	for i, s := range v.Shards {
		if !bytes.Equal(v.ShardBytes()[i], shards[i]) || s.SHA256 != Sum(shards[i]) {
			t.Fatalf("shard %d is not kept as verified", i)
		}
	}
	if got := len(v.Objects()); got != len(want.Objects())+7 {
		t.Fatalf("Objects lists %d, want %d", got, len(want.Objects())+7)
	}
	// Every item is decoded against the expanded manifest as against the
	// flat one.
	for id, it := range f.items {
		data, _ := EncodeItem(it)
		var ref ItemRef
		for _, r := range v.Items {
			if r.ID == id {
				ref = r
			}
		}
		if _, err := DecodeItem(data, ref, v.Manifest); err != nil {
			t.Fatalf("item %s: %v", id, err)
		}
	}
	// The same content gives the same bytes.
	raw2, shards2, err := EncodeSharded(f.m, 7)
	if err != nil || !bytes.Equal(raw, raw2) || !reflect.DeepEqual(shards, shards2) {
		t.Fatalf("encoding is not canonical: %v", err)
	}
}

// One changed item changes one shard.
func TestAChangedItemChangesOneShard(t *testing.T) {
	f := bigFixture(t, 3000)
	_, before, err := EncodeSharded(f.m, 16)
	if err != nil {
		t.Fatal(err)
	}
	f.m.Items[100].SHA256 = Sum([]byte("edited"))
	_, after, err := EncodeSharded(f.m, 16)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i := range before {
		if !bytes.Equal(before[i], after[i]) {
			changed++
		}
	}
	if changed != 1 {
		t.Fatalf("%d shards changed, want 1", changed)
	}
}

// Every way a shard can be wrong is refused with its own one-line error,
// and leaves the manifest listing nothing.
func TestHostileShards(t *testing.T) {
	f := bigFixture(t, 200)
	const n = 4
	raw, shards, err := EncodeSharded(f.m, n)
	if err != nil {
		t.Fatal(err)
	}
	// resign makes a manifest naming the given shard bytes, so each case
	// passes the hash check and reaches the rule it breaks.
	resign := func(sh [][]byte) (*Verified, error) {
		m, err := ParseManifest(raw)
		if err != nil {
			t.Fatal(err)
		}
		m.Shards = make([]Object, len(sh))
		for i, b := range sh {
			m.Shards[i] = Object{SHA256: Sum(b), Size: int64(len(b))}
		}
		r, err := EncodeManifest(m)
		if err != nil {
			return nil, err
		}
		return Verify(r, Sign(r, f.priv), Trust{Key: f.pub, Now: testNow})
	}
	edit := func(i int, fn func(s *Shard)) [][]byte {
		out := append([][]byte(nil), shards...)
		s, err := ParseShard(shards[i], i, n)
		if err != nil {
			t.Fatal(err)
		}
		fn(s)
		out[i], _ = encodeJSON(s)
		return out
	}
	other, _ := ParseShard(shards[1], 1, n)
	cases := map[string]struct {
		sh   [][]byte
		want string
	}{
		"item in the wrong shard": {edit(0, func(s *Shard) { s.Items = append([]ItemRef{{ID: "a", Object: other.Items[0].Object}}, s.Items...) }), "belongs in shard"},
		"attachment in the wrong shard": {edit(0, func(s *Shard) {
			s.Attachments = append([]Object{other.Attachments[0]}, s.Attachments...)
			sortObjects(s.Attachments)
		}), "belongs in shard"},
		"items out of order": {edit(0, func(s *Shard) { s.Items[0], s.Items[1] = s.Items[1], s.Items[0] }), "out of order"},
		"repeated item":      {edit(0, func(s *Shard) { s.Items[1] = s.Items[0] }), "out of order"},
		"bad id":             {edit(0, func(s *Shard) { s.Items[0].ID = "Bad ID" }), "invalid"},
		"oversized item":     {edit(0, func(s *Shard) { s.Items[0].Size = MaxItemSize + 1 }), "size"},
		"wrong format":       {edit(0, func(s *Shard) { s.Format = "gongkai-shard/2" }), "format"},
		"unknown field":      {append([][]byte{bytes.Replace(shards[0], []byte(`{"format"`), []byte(`{"x":1,"format"`), 1)}, shards[1:]...), "unknown field"},
		"trailing data":      {append([][]byte{append(bytes.Clone(shards[0]), "{}"...)}, shards[1:]...), "trailing"},
		"not JSON":           {append([][]byte{[]byte("\x00\xff")}, shards[1:]...), "shard 0"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			v, err := resign(c.sh)
			if err != nil {
				t.Fatal(err)
			}
			err = v.Expand(c.sh)
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want ErrFormat with %q", err, c.want)
			}
			if v.Expanded() {
				t.Fatal("a refused shard left the manifest expanded")
			}
		})
	}
	// Bytes that are not the object the signed manifest names.
	v, err := Verify(raw, Sign(raw, f.priv), Trust{Key: f.pub, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	swapped := [][]byte{shards[1], shards[0], shards[2], shards[3]}
	if err := v.Expand(swapped); !errors.Is(err, ErrObjectHash) && !errors.Is(err, ErrObjectSize) {
		t.Fatalf("swapped shards: %v", err)
	}
	if err := v.Expand(shards[:3]); !errors.Is(err, ErrFormat) {
		t.Fatalf("a missing shard: %v", err)
	}
	// A manifest listing items beside shards, or too many shards.
	m, _ := ParseManifest(raw)
	m.Items = f.m.Items[:1]
	if _, err := EncodeManifest(m); err == nil || !strings.Contains(err.Error(), "beside shards") {
		t.Fatalf("items beside shards: %v", err)
	}
	if _, _, err := EncodeSharded(f.m, MaxShards+1); !errors.Is(err, ErrFormat) {
		t.Fatalf("too many shards: %v", err)
	}
	huge := bytes.Repeat([]byte(" "), MaxShardSize+1)
	if _, err := ParseShard(huge, 0, 1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized shard: %v", err)
	}
}

func sortObjects(o []Object) {
	slices.SortFunc(o, func(a, b Object) int { return strings.Compare(a.SHA256, b.SHA256) })
}

// FuzzExpand feeds Expand arbitrary bytes for one shard of a signed
// sharded manifest. It must never panic; whatever it accepts lists each
// item once, in the shard ShardOf names, in order.
func FuzzExpand(f *testing.F) {
	fx := bigFixture(f, 50)
	const n = 2
	raw, shards, err := EncodeSharded(fx.m, n)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shards[0])
	f.Add(shards[1])
	f.Add([]byte(`{"format":"gongkai-shard/1","items":null,"attachments":null}`))
	f.Add(bytes.Replace(shards[0], []byte(`"size":`), []byte(`"size":-`), 1))
	f.Fuzz(func(t *testing.T, shard []byte) {
		m, err := ParseManifest(raw)
		if err != nil {
			t.Fatal(err)
		}
		m.Shards[0] = Object{SHA256: Sum(shard), Size: int64(len(shard))}
		err = m.Expand([][]byte{shard, shards[1]})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		seen := map[string]bool{}
		for k, it := range m.Items {
			if seen[it.ID] || (k > 0 && it.ID <= m.Items[k-1].ID) || !ValidID(it.ID) {
				t.Fatalf("accepted item %q twice, out of order or invalid", it.ID)
			}
			seen[it.ID] = true
		}
		for _, a := range m.Attachments {
			if !m.hasAttachment(a) {
				t.Fatalf("attachment %v listed but not in the set", a)
			}
		}
	})
}
