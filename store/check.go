package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// maxDBProblems caps what bbolt's check may report: one damaged page can
// produce thousands of lines that say nothing more.
const maxDBProblems = 50

// Check verifies the database structure, every item and attachment
// against its hash, and every derived record a screen shows (records,
// indexes, search documents, posting lists) against the signed item it
// came from. It returns a list of problems, one line each naming the item,
// empty when sound; damaged derived records are rebuilt by the next Repair
// (sync runs it). The error is for a check that could not run at all.
func (s *Store) Check() ([]string, error) {
	// bbolt's check on a read transaction is only safe with no writer.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var problems []string
	atts := map[string]int64{}
	err := s.view(func(tx *bolt.Tx) error {
		n := 0
		for err := range tx.Check() {
			if n++; n <= maxDBProblems {
				problems = append(problems, "database: "+err.Error())
			}
		}
		if n > maxDBProblems {
			problems = append(problems, fmt.Sprintf("database: %d more problems", n-maxDBProblems))
		}
		problems = append(problems, checkItems(tx, atts)...)
		derived, err := checkDerived(tx)
		if err != nil {
			return err
		}
		if len(derived) > 0 {
			problems = append(problems, derived...)
			problems = append(problems, "lists and search are derived from the signed notices: the next sync rebuilds them")
			s.markRepair()
		}
		return nil
	})
	if err != nil {
		return problems, fmt.Errorf("store: check: %w", err)
	}
	sums := make([]string, 0, len(atts))
	for sum := range atts {
		sums = append(sums, sum)
	}
	slices.Sort(sums)
	for _, sum := range sums {
		if p := s.checkBlob(sum, atts[sum]); p != "" {
			problems = append(problems, fmt.Sprintf("attachment %.12s…: %s", sum, p))
		}
	}
	return problems, nil
}

// checkItems compares every item with its hash, its record and the
// manifest, and collects the attachments the records reference.
func checkItems(tx *bolt.Tx, atts map[string]int64) []string {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			add("database: bucket %s is missing", name)
		}
	}
	if len(problems) > 0 {
		return problems
	}
	meta := tx.Bucket(bucketMeta)
	st, err := decodeState(meta.Get(keyState))
	if err != nil {
		add("state: %v", err)
	}
	checkAlerts(tx, add)
	listed := map[string]string{}
	if raw := meta.Get(keyManifest); raw != nil || st.Version != 0 {
		m, err := feed.ParseManifest(raw)
		if err == nil {
			err = expandStored(tx, m)
		}
		switch {
		case err != nil:
			add("manifest: %v", err)
		case feed.Sum(raw) != st.ManifestSum:
			add("manifest: bytes do not match the applied manifest's hash")
		default:
			for _, ref := range m.Items {
				listed[ref.ID] = ref.SHA256
			}
			if cal := meta.Get(keyCalendar); m.Calendar != nil && (cal == nil || feed.CheckObject(cal, *m.Calendar) != nil) {
				add("calendar: missing or differs from the manifest")
			}
		}
	}
	items, sums, recs := tx.Bucket(bucketItems), tx.Bucket(bucketSums), tx.Bucket(bucketRecords)
	_ = items.ForEach(func(k, v []byte) error {
		id := string(k)
		sum := sums.Get(k)
		switch {
		case sum == nil:
			add("item %s: no stored hash", id)
		case feed.Sum(v) != string(sum):
			add("item %s: bytes do not match its hash", id)
		}
		if want, ok := listed[id]; ok && want != string(sum) {
			add("item %s: hash differs from the manifest", id)
		} else if !ok && len(listed) > 0 {
			add("item %s: not in the applied manifest", id)
		}
		rec, err := decodeRecord(recs.Get(k))
		if err != nil {
			add("item %s: record: %v", id, err)
		} else {
			for _, a := range rec.Attachments {
				atts[a.SHA256] = a.Size
			}
		}
		return nil
	})
	for id := range listed {
		if items.Get([]byte(id)) == nil {
			add("item %s: missing", id)
		}
	}
	return problems
}

// checkBlob gives the problem of one attachment file, "" when it is sound.
func (s *Store) checkBlob(sum string, size int64) string {
	p := s.BlobPath(sum)
	if p == "" {
		return "not a SHA-256 name"
	}
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return "missing"
	}
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	switch {
	case err != nil:
		return "unreadable: " + err.Error()
	case n != size:
		return fmt.Sprintf("%d bytes, want %d", n, size)
	case hex.EncodeToString(h.Sum(nil)) != sum:
		return "bytes do not match its hash"
	}
	return ""
}

// maxItemProblems caps the items named for one kind of damage: one
// damaged posting list can touch every item.
const maxItemProblems = 20

// checkDerived compares every derived record with what the stored item it
// came from makes of it: bbolt keeps no checksums of data pages, so a
// flipped byte in a record or an index would otherwise be shown as it is.
// Items whose own bytes are damaged are left to checkItems.
func checkDerived(tx *bolt.Tx) ([]string, error) {
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			return nil, nil // checkItems reported it
		}
	}
	writes, err := derive(tx)
	if err != nil {
		return nil, err
	}
	// Items whose own bytes are damaged are checkItems' to report, and
	// their derived entries cannot be judged.
	unsound, unsoundOrds := map[string]bool{}, roaring.New()
	sums := tx.Bucket(bucketSums)
	_ = tx.Bucket(bucketItems).ForEach(func(k, v []byte) error {
		if feed.Sum(v) != string(sums.Get(k)) {
			unsound[string(k)] = true
			if o, err := decodeOrdinal(tx.Bucket(bucketOrdinals).Get(k)); err == nil {
				unsoundOrds.Add(o)
			}
		}
		return nil
	})
	var problems []string
	named := map[string]int{}
	add := func(kind, id, format string, a ...any) {
		if unsound[id] {
			return
		}
		if named[kind]++; named[kind] <= maxItemProblems {
			problems = append(problems, fmt.Sprintf("item %s: %s", id, fmt.Sprintf(format, a...)))
		}
	}
	recs, ords, docs := tx.Bucket(bucketRecords), tx.Bucket(bucketOrdinals), tx.Bucket(bucketDocs)
	want := map[string]*prepared{}
	byOrd := map[ordinal]string{}
	edits := newPostingEdits()
	wantIndex := map[string]bool{} // keys of by_location
	parallel(len(writes), func(i int) { writes[i].p.findTerms() })
	for _, w := range writes {
		id, p := w.ref.ID, w.p
		if p.err != nil {
			add("decode", id, "the signed item no longer decodes: %v", p.err)
			continue
		}
		want[id] = p
		if !bytes.Equal(recs.Get([]byte(id)), p.rec) {
			add("record", id, "its record (what lists show) differs from the signed item")
		}
		for _, k := range p.index {
			wantIndex[string(k)] = true
		}
		ov := ords.Get([]byte(id))
		switch {
		case p.doc == nil && ov != nil:
			add("ordinal", id, "withdrawn, but in the search index")
		case p.doc == nil:
		case ov == nil:
			add("ordinal", id, "missing from the search index")
		default:
			o, err := decodeOrdinal(ov)
			if err != nil {
				add("ordinal", id, "search index: %v", err)
				continue
			}
			if other, dup := byOrd[o]; dup {
				add("ordinal", id, "shares its search number with item %s", other)
				continue
			}
			byOrd[o] = id
			if !bytes.Equal(docs.Get(ordinalKey(o)), p.doc) {
				add("doc", id, "its search document differs from the signed item")
			}
			edits.mark(p.terms, o, true)
		}
	}
	_ = recs.ForEach(func(k, _ []byte) error {
		if want[string(k)] == nil {
			add("record", string(k), "a record without a sound item")
		}
		return nil
	})
	_ = ords.ForEach(func(k, _ []byte) error {
		if p := want[string(k)]; p == nil {
			add("ordinal", string(k), "in the search index without a sound item")
		}
		return nil
	})
	idsB := tx.Bucket(bucketIDs)
	for o, id := range byOrd {
		if got := idsB.Get(ordinalKey(o)); string(got) != id {
			add("ordinal", id, "its search number leads to %q", got)
		}
	}
	_ = idsB.ForEach(func(k, v []byte) error {
		if o, err := decodeOrdinal(k); err != nil || (byOrd[o] == "" && !unsoundOrds.Contains(o)) {
			add("ordinal", string(v), "a search number nobody owns (%x)", k)
		}
		return nil
	})
	_ = docs.ForEach(func(k, v []byte) error {
		if o, err := decodeOrdinal(k); err != nil || (byOrd[o] == "" && !unsoundOrds.Contains(o)) {
			id, _ := docID(v)
			add("doc", id, "a search document nobody owns (number %x)", k)
		}
		return nil
	})
	if v := tx.Bucket(bucketMeta).Get(keyOrdinal); len(byOrd) > 0 {
		top := ordinal(0)
		for o := range byOrd {
			top = max(top, o)
		}
		if len(v) != 4 || binary.BigEndian.Uint32(v) <= top {
			problems = append(problems, "search index: the next search number is not past the last one given")
		}
	}
	// The index by location.
	_ = tx.Bucket(bucketByLocation).ForEach(func(k, _ []byte) error {
		if !wantIndex[string(k)] {
			add("index", indexID(k), "by_location has an entry its signed item does not make")
		}
		delete(wantIndex, string(k))
		return nil
	})
	for k := range wantIndex {
		add("index", indexID([]byte(k)), "an entry of the by_location index is missing")
	}
	// Posting lists: the stored lists against those the items make.
	wrong := map[ordinal]bool{}
	expected := edits.lists()
	err = tx.Bucket(bucketPostings).ForEach(func(k, v []byte) error {
		got, err := decodeChunk(v, k)
		if err != nil {
			problems = append(problems, fmt.Sprintf("search index: %v", err))
			got = nil
		}
		exp := expected[string(k)]
		delete(expected, string(k))
		if got != nil {
			got.AndNot(unsoundOrds)
			if got.IsEmpty() {
				got = nil
			}
		}
		switch {
		case got == nil && exp != nil:
			exp.Iterate(func(o uint32) bool { wrong[o] = true; return true })
		case got != nil && exp == nil:
			got.Iterate(func(o uint32) bool { wrong[o] = true; return true })
		case got != nil && !got.Equals(exp):
			roaring.Xor(got, exp).Iterate(func(o uint32) bool { wrong[o] = true; return true })
		}
		return nil
	})
	if err != nil {
		return problems, err
	}
	for _, exp := range expected {
		exp.Iterate(func(o uint32) bool { wrong[o] = true; return true })
	}
	ws := make([]ordinal, 0, len(wrong))
	for o := range wrong {
		ws = append(ws, o)
	}
	slices.Sort(ws)
	for _, o := range ws {
		if id, ok := byOrd[o]; ok {
			add("postings", id, "its search index entries differ from the signed item")
		} else {
			add("postings", fmt.Sprintf("#%d", o), "the search index names an item that is not stored")
		}
	}
	for kind, n := range named {
		if n > maxItemProblems {
			problems = append(problems, fmt.Sprintf("%d more items with damaged %s entries", n-maxItemProblems, kind))
		}
	}
	return problems, nil
}

// indexID is the item id of an index key (value 0x00 id).
func indexID(k []byte) string {
	if i := bytes.IndexByte(k, 0); i >= 0 {
		return string(k[i+1:])
	}
	return string(k)
}
