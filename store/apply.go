package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// Apply replaces the stored feed by a verified update in one transaction:
// items, their hashes, records and indexes, the search index, state. Only
// what changed is written: an unchanged item costs no write at all, a
// changed or removed one rewrites its own entries and posting lists.
// The manifest must come from feed.Verify (it carries the verified bytes);
// every fetched item is checked against its reference and decoded against
// the manifest (unless Update.Checked did), every item it keeps as stored is
// checked against the manifest by its record (prepared.checkStored), and
// every attachment must already be stored (PutBlob). Any
// failure writes nothing. After the commit, attachments no item references
// are removed and subscribers are notified.
func (s *Store) Apply(u Update) (Changes, error) {
	v := u.Manifest
	if v == nil || v.Manifest == nil || v.Raw() == nil {
		return Changes{}, errors.New("store: apply: no manifest verified by feed.Verify")
	}
	if !v.Expanded() {
		return Changes{}, errors.New("store: apply: the manifest's shards were not read (feed.Verified.Expand)")
	}
	m, raw, sum := v.Manifest, v.Raw(), v.Sum()
	if _, err := m.Location(); err != nil {
		return Changes{}, fmt.Errorf("store: apply version %d: %w", m.Version, err)
	}
	at := u.At
	if at.IsZero() {
		at = time.Now()
	}

	pre, err := prepare(m, u.Items, u.Checked)
	if err != nil {
		return Changes{}, fmt.Errorf("store: apply version %d: %w", m.Version, err)
	}

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var (
		ch   Changes
		st   State
		keep = map[string]bool{} // attachments of the new items
	)
	err = s.update(func(tx *bolt.Tx) error {
		var err error
		if st, err = readState(tx); err != nil {
			return err
		}
		// Verify checked against the state of its time; another sync may
		// have applied since. A later epoch is a key-holder's reset: its
		// versions start again, and so does trusted time.
		reset, err := v.Follows(st.Epoch, st.Version, st.ManifestSum)
		if err != nil {
			return err
		}
		a := applier{tx: tx, s: s, m: m, pre: pre, keep: keep}
		if ch, err = a.items(); err != nil {
			return err
		}
		old := st
		st.FeedID, st.Title, st.Version, st.ManifestSum = m.FeedID, m.Title, m.Version, sum
		st.Epoch = m.Epoch
		st.IssuedAt, st.Expires, st.Timezone = m.IssuedAt, m.Expires, m.Timezone
		st.Categories, st.Locations = m.Categories, m.Locations
		st.TrustedTime = old.TrustedTime
		if reset || m.IssuedAt.After(st.TrustedTime) {
			st.TrustedTime = m.IssuedAt
		}
		st.LastSuccess, st.LastAttempt, st.LastError, st.LastErrorKind = at, at, "", ""
		st.Source, st.BytesFetched = u.Source, u.Fetched
		if err := tx.Bucket(bucketMeta).Put(keyManifest, raw); err != nil {
			return err
		}
		if err := putCalendar(tx, m, u.Calendar); err != nil {
			return err
		}
		if err := putShards(tx, v); err != nil {
			return err
		}
		return writeState(tx, st)
	})
	if err != nil {
		return Changes{}, fmt.Errorf("store: apply version %d: %w", m.Version, err)
	}

	s.mu.Lock()
	s.gen++ // cached visible sets are stale
	s.mu.Unlock()
	s.setState(st)
	s.loadCalendar()
	s.releasePages()
	// The items are committed; a failed removal only leaves an unused file,
	// which the next Apply tries again.
	_ = s.collectBlobs(keep)
	s.notify()
	return ch, nil
}

// applier is the state of one Apply transaction.
type applier struct {
	tx   *bolt.Tx
	s    *Store
	m    *feed.Manifest
	pre  []prepared // by position in m.Items
	keep map[string]bool
}

// prepared is one item of the manifest checked against its reference and
// decoded against the manifest; for a fetched item also its record, index
// keys, search document and terms, ready to write.
type prepared struct {
	fetched bool
	raw     []byte
	it      *feed.Item
	kept    []feed.Attachment // for a stored item checked by its record (it is nil then): its files, by object
	rec     []byte
	index   [][]byte // its keys in by_location
	doc     []byte   // nil for a withdrawn item, which is not searchable
	terms   docTerms
	ord     ordinal // given in the transaction
	err     error
}

// decode checks and decodes p.raw.
func (p *prepared) decode(ref feed.ItemRef, m *feed.Manifest) {
	if err := feed.CheckObject(p.raw, ref.Object); err != nil {
		p.err = fmt.Errorf("item %s: %w", ref.ID, err)
		return
	}
	p.it, p.err = feed.DecodeItem(p.raw, ref, m)
}

// checkStored checks an item the manifest keeps as it is stored. What its
// object holds was checked when it came, so only what the manifest may have
// changed is checked again (feed.Manifest.CheckRefs), from its record:
// decoding every stored item took 0.8 s and 450 MB at 100,000 notices on
// every sync that changed anything. An item whose bytes are missing, or
// whose record does not read as its own, is checked and decoded whole.
func (p *prepared) checkStored(ref feed.ItemRef, m *feed.Manifest, rec []byte) {
	r, err := decodeRecord(rec)
	if p.raw == nil || err != nil || r.ID != ref.ID {
		p.decode(ref, m)
		return
	}
	p.kept = make([]feed.Attachment, len(r.Attachments))
	for i, o := range r.Attachments {
		p.kept[i].Object = feed.Object{SHA256: o.SHA256, Size: o.Size}
	}
	if err := m.CheckRefs(r.Category, p.kept); err != nil {
		p.err = fmt.Errorf("%w: item %s: %v", feed.ErrFormat, ref.ID, err)
	}
}

// files lists the item's attachments and audio.
func (p *prepared) files() []feed.Attachment {
	if p.it == nil {
		return p.kept
	}
	return p.it.Files()
}

// encode works out what put writes for the decoded item.
func (p *prepared) encode() {
	rec := record{Summary: summaryOf(p.it)}
	for _, att := range p.it.Files() {
		rec.Attachments = append(rec.Attachments, objectRef{att.SHA256, att.Size})
	}
	if p.rec, p.err = encodeRecord(rec); p.err != nil {
		p.err = fmt.Errorf("write item %s: %w", p.it.ID, p.err)
		return
	}
	p.index = locationKeys(&rec.Summary)
	if p.it.Withdrawn == "" {
		p.doc = encodeDoc(newDocText(p.it))
	}
}

// findTerms lists the search terms of a decoded, searchable item. It is
// not part of encode: a notice has about a thousand terms, so they are
// worked out a batch at a time (markInBatches), never for a whole feed at
// once. The document text encode made is made again here: keeping it
// until then would hold every notice's text instead.
func (p *prepared) findTerms() {
	if p.doc != nil && p.err == nil {
		d, sum := newDocText(p.it), summaryOf(p.it)
		p.terms = termsOf(&d, &sum)
	}
}

// termBatch is how many items' terms markInBatches holds at a time.
var termBatch = 16384 // a variable so tests can make batches small

// termBlock is how many items' terms a goroutine of markInBatches works out
// before mark may take them: small, so that mark starts at once.
const termBlock = 64

// markInBatches works out the terms of writes on all cores and hands each
// write to mark in order, as soon as its terms are there: mark's work (one
// core) runs beside the next items' terms (the others), where it used to
// wait for a whole batch. Each item's terms are let go once mark returns
// (the marks hold them then), and no more than a batch of items have
// terms at a time: the terms of a million notices would take gigabytes.
// Before the first mark, edits is given room for the marks to come, up to
// a flush's worth, estimated from the first block with a quarter to
// spare: growing the list mark by mark copied it over and over (a fifth of
// a 10,000-notice Apply), and running out of the room flushes early
// (postingEdits.full).
func markInBatches(writes []pending, edits *postingEdits, mark func(w pending) error) error {
	for start := 0; start < len(writes); start += termBatch {
		batch := writes[start:min(start+termBatch, len(writes))]
		err := inOrder(len(batch), termBlock, func(i int) { batch[i].p.findTerms() }, func(i int) error {
			if start == 0 && i == 0 {
				first := batch[:min(termBlock, len(batch))]
				n := 0
				for _, w := range first {
					n += w.p.terms.len()
				}
				edits.grow(n * len(writes) / len(first) * 5 / 4)
			}
			w := batch[i]
			err := mark(w)
			w.p.terms = docTerms{}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// prepare checks, decodes and encodes every fetched item of the manifest,
// on all cores and before Apply takes the write lock: most of the work of
// an Apply, none of which needs the database. An item checked and decoded
// against this manifest already is taken as it is.
func prepare(m *feed.Manifest, fetched map[string][]byte, checked map[string]*feed.CheckedItem) (pre []prepared, err error) {
	defer recoverDamage(&err) // as a panic inside the transaction would be
	pre = make([]prepared, len(m.Items))
	parallel(len(pre), func(i int) {
		ref, p := m.Items[i], &pre[i]
		if c := checked[ref.SHA256]; c != nil {
			p.raw, p.fetched = c.Bytes(), true
			if c.For(ref, m) {
				p.it = c.Item()
			}
		} else if p.raw, p.fetched = fetched[ref.SHA256]; !p.fetched {
			return
		}
		if p.it == nil {
			p.decode(ref, m)
		}
		if p.err == nil {
			p.encode()
		}
	})
	return pre, nil
}

// parallel runs fn(0) … fn(n-1) on GOMAXPROCS goroutines, in blocks of up
// to 64 indexes (smaller when n is small, so that a few still spread over
// the cores). A panic in fn panics again in the caller, where
// Store.update recovers it.
func parallel(n int, fn func(i int)) {
	block := min(64, max(1, n/(2*runtime.GOMAXPROCS(0))))
	_ = inOrder(n, block, fn, func(int) error { return nil })
}

// inOrder runs work(0) … work(n-1) on GOMAXPROCS goroutines, a block of
// indexes at a time in order, and then(i) on the calling goroutine in
// order of i, as soon as i's block is done: the caller takes what the
// others make while they make the next. It stops at then's first error,
// and returns only once no work runs. A panic in work panics again in the
// caller, where Store.update recovers it.
func inOrder(n, block int, work func(i int), then func(i int) error) error {
	blocks := (n + block - 1) / block
	done := make([]chan struct{}, blocks)
	for b := range done {
		done[b] = make(chan struct{})
	}
	var (
		next     atomic.Int64
		stop     atomic.Bool
		wg       sync.WaitGroup
		once     sync.Once
		panicked any
		aborted  = make(chan struct{})
	)
	for range min(runtime.GOMAXPROCS(0), blocks) {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					once.Do(func() { panicked = r; close(aborted) })
					stop.Store(true)
				}
			}()
			for b := int(next.Add(1)) - 1; b < blocks && !stop.Load(); b = int(next.Add(1)) - 1 {
				for i := b * block; i < min(n, (b+1)*block); i++ {
					work(i)
				}
				close(done[b])
			}
		})
	}
	// also when then panics: no work outlives the call
	defer func() { stop.Store(true); wg.Wait() }()
	var err error
inOrder:
	for b := 0; b < blocks && err == nil; b++ {
		select {
		case <-done[b]:
		case <-aborted: // panicked, below
			break inOrder
		}
		for i := b * block; i < min(n, (b+1)*block) && err == nil; i++ {
			err = then(i)
		}
	}
	stop.Store(true)
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return err
}

// task is a function running on a goroutine of its own.
type task struct {
	done     chan struct{}
	err      error
	panicked any
}

// beside starts fn on a goroutine of its own.
func beside(fn func() error) *task {
	t := &task{done: make(chan struct{})}
	go func() {
		defer close(t.done)
		defer func() { t.panicked = recover() }()
		t.err = fn()
	}()
	return t
}

// wait returns fn's error once fn has returned; a panic in fn panics again
// here, in the caller, where Store.update recovers it.
func (t *task) wait() error {
	<-t.done
	if t.panicked != nil {
		panic(t.panicked)
	}
	return t.err
}

// join waits for fn to return, whatever it did: deferred by whoever
// started it inside a transaction, so that the transaction never ends
// while fn still uses it.
func (t *task) join() { <-t.done }

type pending struct {
	ref      feed.ItemRef
	p        *prepared
	replaces bool // a stored item of this id
}

// inPublishedOrder is writes sorted by publication date, then id: the
// order new items are given ordinals in. Search lists hits newest first,
// then by id, so a day's notices get adjacent ordinals, and a page of hits
// reads its ids and search documents from a few pages of the database and
// its day's set from one chunk — where a screen provisioned with a whole
// feed in one Apply would otherwise have each day spread over every chunk
// (a store grown by daily syncs is in this order already). writes keeps
// its order, by id, the order put writes most buckets in.
func inPublishedOrder(writes []pending) []pending {
	// sorted as keys beside their positions: comparing pendings through
	// their decoded items cost more than the rest of the sort (0.4 s of
	// a 100,000-notice Apply)
	type key struct {
		published, id string
		at            int
	}
	keys := make([]key, len(writes))
	for i, w := range writes {
		keys[i] = key{id: w.ref.ID, at: i}
		if w.p.it != nil { // one that did not decode is never given an ordinal
			keys[i].published = string(w.p.it.Published)
		}
	}
	slices.SortFunc(keys, func(x, y key) int {
		if c := strings.Compare(x.published, y.published); c != 0 {
			return c
		}
		return strings.Compare(x.id, y.id) // ids are unique
	})
	dated := make([]pending, len(writes))
	for i, k := range keys {
		dated[i] = writes[k.at]
	}
	return dated
}

// items checks every item of the manifest before writing any, then writes
// what changed and removes what is gone.
func (a *applier) items() (Changes, error) {
	items, sums := a.tx.Bucket(bucketItems), a.tx.Bucket(bucketSums)
	var ch Changes
	listed := make(map[string]bool, len(a.m.Items))
	olds := make([][]byte, len(a.m.Items))
	records := a.tx.Bucket(bucketRecords)
	var stored []int                       // unchanged items not fetched, to be checked as they are stored
	recs := make([][]byte, len(a.m.Items)) // their records
	for i, ref := range a.m.Items {
		listed[ref.ID] = true
		olds[i] = sums.Get([]byte(ref.ID))
		switch p := &a.pre[i]; {
		case p.fetched:
		case string(olds[i]) != ref.SHA256:
			p.err = fmt.Errorf("item %s (%.12s) was neither fetched nor stored", ref.ID, ref.SHA256)
		default:
			// bbolt memory, valid while the transaction writes nothing
			p.raw = items.Get([]byte(ref.ID))
			recs[i] = records.Get([]byte(ref.ID))
			stored = append(stored, i)
		}
	}
	parallel(len(stored), func(j int) {
		i := stored[j]
		a.pre[i].checkStored(a.m.Items[i], a.m, recs[i])
	})
	var writes []pending
	for i, ref := range a.m.Items {
		p := &a.pre[i]
		if p.err != nil {
			return ch, p.err
		}
		for _, att := range p.files() {
			if !a.s.HasBlob(att.SHA256) {
				return ch, fmt.Errorf("item %s: attachment %q (%.12s) is not stored", ref.ID, att.Name, att.SHA256)
			}
			a.keep[att.SHA256] = true
		}
		switch old := olds[i]; {
		case old == nil:
			ch.Added++
		case string(old) != ref.SHA256:
			ch.Changed++
		default:
			continue
		}
		writes = append(writes, pending{ref, p, olds[i] != nil || a.holds(ref.ID)})
	}
	var gone []string
	err := sums.ForEach(func(k, _ []byte) error {
		if !listed[string(k)] {
			gone = append(gone, string(k))
		}
		return nil
	})
	if err != nil {
		return ch, err
	}
	ch.Removed = len(gone)
	ix, err := a.newIndexer()
	if err != nil {
		return ch, err
	}
	for _, id := range gone {
		if err := ix.drop(id); err != nil {
			return ch, fmt.Errorf("remove item %s: %w", id, err)
		}
		if err := a.remove(id); err != nil {
			return ch, fmt.Errorf("remove item %s: %w", id, err)
		}
	}
	dated := inPublishedOrder(writes)
	replaced := slices.DeleteFunc(slices.Clone(dated), func(w pending) bool { return !w.replaces })
	added := slices.DeleteFunc(dated, func(w pending) bool { return w.replaces })
	// Replaced items first, one by one: each is taken out of the index
	// (reading its old terms) and put in again.
	err = markInBatches(replaced, ix.edits, func(w pending) error {
		if err := ix.flushIfFull(w.p.terms.len()); err != nil {
			return err
		}
		if err := ix.drop(w.ref.ID); err != nil {
			return fmt.Errorf("replace item %s: %w", w.ref.ID, err)
		}
		if err := a.removeIndex(w.ref.ID); err != nil {
			return fmt.Errorf("replace item %s: %w", w.ref.ID, err)
		}
		ix.add(w.ref.ID, w.p)
		return nil
	})
	if err != nil {
		return ch, err
	}
	// Then the new ones, which have nothing to take out: numbered first,
	// their terms are marked while put writes every item.
	for _, w := range added {
		ix.number(w.p)
	}
	err = markBeside(added, ix.edits, ix.flush, func() error { return a.put(writes, true) })
	if err != nil {
		return ch, err
	}
	return ch, ix.finish()
}

// markBeside marks the terms of new items, numbered, while put writes to
// the transaction on a goroutine of its own: the marks touch no bbolt
// memory, and a flush of them waits for put to be done. A 10,000-notice
// Apply spends about a third of its time in each (terms, marks, puts);
// side by side they take two cores.
func markBeside(added []pending, edits *postingEdits, flush func() error, put func() error) (err error) {
	t := beside(put)
	defer t.join() // the transaction outlives put, even through a panic
	err = markInBatches(added, edits, func(w pending) error {
		if edits.full(w.p.terms.len()) {
			if err := t.wait(); err != nil { // waits only the first time
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
		if w.p.doc != nil && w.p.err == nil {
			edits.mark(w.p.terms, w.p.ord, true)
		}
		return nil
	})
	if perr := t.wait(); err == nil {
		err = perr
	}
	return err
}

// holds reports whether the derived buckets hold entries of id, as they
// may with no item of that id stored only when damaged: such an id is
// replaced (its entries taken out), never simply added.
func (a *applier) holds(id string) bool {
	return a.tx.Bucket(bucketOrdinals).Get([]byte(id)) != nil || a.tx.Bucket(bucketRecords).Get([]byte(id)) != nil
}

// locationKeys lists an item's keys in by_location.
func locationKeys(sum *Summary) [][]byte {
	keys := make([][]byte, 0, len(sum.Locations))
	for _, l := range sum.Locations {
		keys = append(keys, indexKey(l, sum.ID))
	}
	return keys
}

// removeIndex deletes the index entries of a stored item, found through its
// old record (a missing or unreadable record leaves stale index entries,
// which queries skip because the record is gone or no longer matches).
func (a *applier) removeIndex(id string) error {
	v := a.tx.Bucket(bucketRecords).Get([]byte(id))
	if v == nil {
		return nil
	}
	rec, err := decodeRecord(v)
	if err != nil || rec.ID != id {
		return nil
	}
	for _, k := range locationKeys(&rec.Summary) {
		if err := a.tx.Bucket(bucketByLocation).Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes an item and its index entries.
func (a *applier) remove(id string) error {
	if err := a.removeIndex(id); err != nil {
		return err
	}
	for _, b := range [][]byte{bucketItems, bucketSums, bucketRecords} {
		if err := a.tx.Bucket(b).Delete([]byte(id)); err != nil {
			return err
		}
	}
	return nil
}

// put writes the new and changed items (whose old index entries are gone;
// writes best in id order, as the manifest lists them) and what is
// derived from them (without items: only that), bucket by bucket in key
// order: until the commit bbolt keeps a bucket's new entries in memory
// nodes and shifts every entry after an insertion point, so ascending keys
// make each Put an append.
func (a *applier) put(writes []pending, items bool) error {
	puts := map[string][][2][]byte{} // bucket → key, value
	add := func(bucket, key, value []byte) {
		kvs, ok := puts[string(bucket)]
		if !ok {
			kvs = make([][2][]byte, 0, len(writes)) // about one entry per item in each bucket
		}
		puts[string(bucket)] = append(kvs, [2][]byte{key, value})
	}
	type numberedDoc struct {
		o       ordinal
		id, doc []byte
	}
	numbered := make([]numberedDoc, 0, len(writes))
	for _, w := range writes {
		// raw was fetched, never bbolt memory (a stored item is unchanged
		// and not written), so bbolt may keep it until the commit.
		key := []byte(w.ref.ID)
		if items {
			add(bucketItems, key, w.p.raw)
			add(bucketSums, key, []byte(w.ref.SHA256))
		}
		add(bucketRecords, key, w.p.rec)
		for _, k := range w.p.index {
			add(bucketByLocation, k, []byte{})
		}
		if w.p.doc != nil {
			add(bucketOrdinals, key, ordinalKey(w.p.ord))
			numbered = append(numbered, numberedDoc{w.p.ord, key, w.p.doc})
		}
	}
	// ids and docs are keyed by ordinal, and ordinals were given in
	// another order than writes' (inPublishedOrder): added in theirs, so
	// that their sorts below, comparing keys as bytes, find them in order
	slices.SortFunc(numbered, func(x, y numberedDoc) int { return cmp.Compare(x.o, y.o) })
	for _, n := range numbered {
		add(bucketIDs, ordinalKey(n.o), n.id)
		add(bucketDocs, ordinalKey(n.o), n.doc)
	}
	for _, name := range allBuckets {
		kvs := puts[string(name)]
		if len(kvs) == 0 {
			continue
		}
		slices.SortFunc(kvs, func(x, y [2][]byte) int { return bytes.Compare(x[0], y[0]) })
		b := a.tx.Bucket(name)
		if k, _ := b.Cursor().First(); k == nil {
			// Filled from empty in key order: pack its pages full, not
			// half full (bbolt's default, meant for random inserts); a
			// later change splits only the pages it lands in.
			b.FillPercent = 1
		}
		for _, kv := range kvs {
			if err := b.Put(kv[0], kv[1]); err != nil {
				return fmt.Errorf("write %s %q: %w", name, kv[0], err)
			}
		}
	}
	return nil
}

func summaryOf(it *feed.Item) Summary {
	pri := it.Priority
	if pri == "" {
		pri = feed.PriorityNormal
	}
	return Summary{
		ID: it.ID, Title: it.Title, Category: it.Category, Agency: it.Agency, DocNo: it.DocNo,
		Published: it.Published, ValidFrom: it.ValidFrom, ValidUntil: it.ValidUntil,
		PostingDays: it.PostingDays, PostingWorkdays: it.PostingWorkdays, Priority: pri, Normative: it.Normative,
		Withdrawn: it.Withdrawn, Locations: append([]string(nil), it.Locations...),
	}
}

// ItemSums maps every stored item id to the SHA-256 of its object, so sync
// fetches only what changed. An item whose stored bytes no longer match is
// left out, so the next sync fetches it again and the store heals.
func (s *Store) ItemSums() (map[string]string, error) {
	out := map[string]string{}
	err := s.view(func(tx *bolt.Tx) error {
		items, sums := tx.Bucket(bucketItems), tx.Bucket(bucketSums)
		if items == nil || sums == nil {
			return nil
		}
		return sums.ForEach(func(k, v []byte) error {
			if raw := items.Get(k); raw != nil && feed.Sum(raw) == string(v) {
				out[string(k)] = string(v)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: item sums: %w", err)
	}
	return out, nil
}

// indexer keeps the search index in step within one Apply: ordinals,
// search documents and posting lists of the items that change.
type indexer struct {
	a      *applier
	next   uint64 // the next new ordinal
	edits  *postingEdits
	old    map[string]indexed // dropped and not (yet) added again
	broken bool               // some derived entry could not be read: rebuild all
}

// indexed is what the index holds of a stored item.
type indexed struct {
	ord   ordinal
	terms docTerms
}

func (a *applier) newIndexer() (*indexer, error) {
	ix := &indexer{a: a, edits: newPostingEdits(), old: map[string]indexed{}}
	switch v := a.tx.Bucket(bucketMeta).Get(keyOrdinal); {
	case v == nil:
	case len(v) == 4:
		ix.next = uint64(binary.BigEndian.Uint32(v))
	default:
		ix.broken = true
	}
	return ix, nil
}

// drop takes a stored item out of the index, keeping what it held so that
// adding it again (a changed item) touches only the terms that differ.
func (ix *indexer) drop(id string) error {
	tx := ix.a.tx
	ords, docs := tx.Bucket(bucketOrdinals), tx.Bucket(bucketDocs)
	v := ords.Get([]byte(id))
	if v == nil {
		return nil // withdrawn, so not searchable
	}
	old, ok := readIndexed(tx, id, v)
	if !ok {
		ix.broken = true
		return nil
	}
	ix.old[id] = old
	if err := ords.Delete([]byte(id)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketIDs).Delete(ordinalKey(old.ord)); err != nil {
		return err
	}
	return docs.Delete(ordinalKey(old.ord))
}

// readIndexed reads the ordinal, search document and record of a stored
// item; ok is false when any of them is damaged.
func readIndexed(tx *bolt.Tx, id string, ordValue []byte) (indexed, bool) {
	o, err := decodeOrdinal(ordValue)
	if err != nil {
		return indexed{}, false
	}
	d, err := decodeDoc(tx.Bucket(bucketDocs).Get(ordinalKey(o)))
	if err != nil || d.ID != id {
		return indexed{}, false
	}
	rec, err := decodeRecord(tx.Bucket(bucketRecords).Get([]byte(id)))
	if err != nil || rec.ID != id {
		return indexed{}, false
	}
	return indexed{o, termsOf(&d, &rec.Summary)}, true
}

// add puts a new or changed item (after drop) into the index; it gives
// p its ordinal.
func (ix *indexer) add(id string, p *prepared) {
	if p.doc == nil {
		return // withdrawn: whatever it held goes at finish
	}
	if old, ok := ix.old[id]; ok {
		p.ord = old.ord
		ix.edits.replace(old.terms, p.terms, old.ord)
		delete(ix.old, id)
		return
	}
	ix.number(p)
	ix.edits.mark(p.terms, p.ord, true)
}

// number gives a new searchable item its ordinal, the next.
func (ix *indexer) number(p *prepared) {
	if p.doc != nil && p.err == nil {
		p.ord = ordinal(ix.next) // wraps only when finish rebuilds anyway
		ix.next++
	}
}

// flushIfFull writes the posting edits marked so far, before an item adds
// k more, once they are many (postingEdits.full), so that the marks of a
// large Apply (hundreds of millions at a million notices) never all sit
// in memory. Each chunk is then written once per flush rather than once
// per Apply; nothing is committed before the transaction is.
func (ix *indexer) flushIfFull(k int) error {
	if !ix.edits.full(k) {
		return nil
	}
	return ix.flush()
}

// flush writes the posting edits marked so far, unless finish is to
// rebuild the index anyway.
func (ix *indexer) flush() error {
	if ix.broken || ix.next > math.MaxUint32 {
		return nil
	}
	err := ix.edits.write(ix.a.tx.Bucket(bucketPostings))
	if errors.Is(err, errChunk) {
		ix.broken = true // finish rebuilds
		return nil
	}
	return err
}

// finish writes the posting lists; when some derived entry was damaged,
// or the ordinals ran out, it rebuilds the whole index from the items
// instead.
func (ix *indexer) finish() error {
	for _, old := range ix.old {
		ix.edits.mark(old.terms, old.ord, false)
	}
	tx := ix.a.tx
	if !ix.broken && ix.next <= math.MaxUint32 {
		err := ix.edits.write(tx.Bucket(bucketPostings))
		if err == nil {
			return tx.Bucket(bucketMeta).Put(keyOrdinal, binary.BigEndian.AppendUint32(nil, uint32(ix.next)))
		}
		if !errors.Is(err, errChunk) {
			return err
		}
	}
	return rebuild(tx)
}
