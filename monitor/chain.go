package monitor

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
	"gongkai/monitor/wire"
	"gongkai/proof"
)

// The monitor's copy of each screen's display log, and the anchor that
// copy is for the screen's evidence.
//
// A proof upload carries the screen's signed export with its chain cut to
// what follows the copy here (wire.ProofUpload). The monitor puts its copy
// and the upload together into one export and verifies that with
// proof.VerifyExport against the enrolled key — the same check as
// `gongkai report --verify` — so the new part must chain from what was
// received before. The copy keeps what the screen keeps: its signed daily
// summaries and the entries after them. When the screen rolls entries the
// monitor holds into a summary, the summary must say exactly what those
// entries said (proof.Summary.Summarizes) before it replaces them.
//
// A whole chain (an upload with base zero: the screen's first, or one
// whose log no longer holds the monitor's head) must continue the copy: the
// head received before, every entry and summary received, in it unchanged.
// One that does not — a log started again, or one rewritten and re-signed
// with the device key — is a break: the copy so far is kept as it was (a
// segment), the new chain starts the next, and the screen's page says so.
// Each head received is countersigned by the monitor key (a receipt),
// evidence outside the screen of what its log said then.

// mirror is the copy of a screen's current segment.
type mirror struct {
	chain     chainState
	summaries []proof.SummaryJSON // all, or only the last (loadMirror)
	entries   []proof.EntryJSON
}

func (m *mirror) empty() bool { return m.chain.Seq == 0 && m.chain.Summarized == 0 }

// loadMirror reads the screen's copy; with allSummaries false only the
// last summary, which is all a cut upload is checked against.
func (s *Server) loadMirror(pub ed25519.PublicKey, cs chainState, allSummaries bool) (*mirror, error) {
	m := &mirror{chain: cs}
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := segPrefix(pub, cs.Seg)
		sc := tx.Bucket(bucketSummaries).Cursor()
		if allSummaries {
			for k, v := sc.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = sc.Next() {
				var sj proof.SummaryJSON
				if err := json.Unmarshal(v, &sj); err != nil {
					return err
				}
				m.summaries = append(m.summaries, sj)
			}
		} else if cs.Summarized > 0 {
			// the summary before the one that would follow: Prev from
			// wherever the seek lands (another screen's keys, or the end)
			k, v := sc.Seek(segKey(pub, cs.Seg, cs.Summarized+1))
			if k == nil {
				k, v = sc.Last()
			} else {
				k, v = sc.Prev()
			}
			if k != nil && hasPrefix(k, prefix) {
				var sj proof.SummaryJSON
				if err := json.Unmarshal(v, &sj); err != nil {
					return err
				}
				m.summaries = []proof.SummaryJSON{sj}
			}
		}
		ec := tx.Bucket(bucketEntries).Cursor()
		for k, v := ec.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = ec.Next() {
			var ej proof.EntryJSON
			if err := json.Unmarshal(v, &ej); err != nil {
				return err
			}
			m.entries = append(m.entries, ej)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("monitor: reading the copy of %s: %w", feed.KeyID(pub), err)
	}
	return m, nil
}

// assemble puts the copy and a cut upload together into one export: the
// last summary held, the upload's new summaries, the entries held that
// those do not cover, the upload's entries.
func assemble(m *mirror, x proof.Export) proof.Export {
	c := x
	c.Summaries = slices.Clone(m.summaries)
	c.Summaries = append(c.Summaries, x.Summaries...)
	covered := m.chain.Summarized
	if n := len(x.Summaries); n > 0 {
		covered = max(covered, x.Summaries[n-1].LastSeq)
	}
	c.Entries = nil
	for _, e := range m.entries {
		if e.Seq > covered {
			c.Entries = append(c.Entries, e)
		}
	}
	c.Entries = append(c.Entries, x.Entries...)
	return c
}

// continues says why chain c (verified; its records recs, head aside) does not continue
// the copy m ("" when it does), and notes what could be checked only by
// the screen's signature (entries it summarized before the monitor got
// them). m must hold all its summaries, or c must carry m's last one.
func continues(m *mirror, c proof.Export, recs proof.Records, received time.Time, tz *time.Location) (brk string, notes []string, err error) {
	if m.empty() {
		return "", nil, nil
	}
	when := received.In(tz).Format("2006-01-02 15:04")
	if c.Head.Seq < m.chain.Seq {
		return fmt.Sprintf("记录链止于第 %d 条，早于 %s 收到的第 %d 条", c.Head.Seq, when, m.chain.Seq), nil, nil
	}
	first := c.Head.Seq + 1 // the first seq c covers
	if len(recs.Summaries) > 0 {
		first = recs.Summaries[0].FirstSeq
	} else if len(recs.Entries) > 0 {
		first = recs.Entries[0].Seq
	}
	// Summaries held: the same in c, or older than all of c (dropped for age).
	bySeq := map[uint64]int{}
	for i, sj := range c.Summaries {
		bySeq[sj.FirstSeq] = i
	}
	for _, hs := range m.summaries {
		i, ok := bySeq[hs.FirstSeq]
		switch {
		case ok && !sameJSON(hs, c.Summaries[i]):
			return fmt.Sprintf("%s 的汇总（第 %d–%d 条）与先前收到的不同", hs.Day, hs.FirstSeq, hs.LastSeq), nil, nil
		case !ok && hs.LastSeq >= first:
			return fmt.Sprintf("第 %d–%d 条记录的汇总方式与先前收到的不同", hs.FirstSeq, hs.LastSeq), nil, nil
		}
	}
	// Entries held: the same in c, or rolled into a summary that says what
	// they said.
	hashes := map[uint64]string{}
	for _, e := range c.Entries {
		hashes[e.Seq] = e.Hash
	}
	held, err := decodeEntries(m.entries)
	if err != nil {
		return "", nil, err
	}
	byStart := map[int][]proof.Entry{} // index of the covering summary in recs → entries held
	for i, he := range m.entries {
		if h, ok := hashes[he.Seq]; ok {
			if h != he.Hash {
				return fmt.Sprintf("第 %d 条记录与 %s 前收到的不同", he.Seq, when), nil, nil
			}
			continue
		}
		j := sort.Search(len(recs.Summaries), func(j int) bool { return recs.Summaries[j].LastSeq >= he.Seq })
		if j == len(recs.Summaries) || recs.Summaries[j].FirstSeq > he.Seq {
			return fmt.Sprintf("先前收到的第 %d 条记录不在这条记录链里", he.Seq), nil, nil
		}
		byStart[j] = append(byStart[j], held[i])
	}
	covering := make([]int, 0, len(byStart))
	for j := range byStart {
		covering = append(covering, j)
	}
	slices.Sort(covering)
	for _, j := range covering {
		es, s := byStart[j], recs.Summaries[j]
		if uint64(len(es)) == s.LastSeq-s.FirstSeq+1 {
			if !s.Summarizes(es) {
				return fmt.Sprintf("%s 的汇总（第 %d–%d 条）与先前收到的记录不符", s.Day, s.FirstSeq, s.LastSeq), nil, nil
			}
			continue
		}
		notes = append(notes, fmt.Sprintf("%s 的汇总（第 %d–%d 条）含有监测台未曾收到的记录，只能凭屏幕签名核验", s.Day, s.FirstSeq, s.LastSeq))
	}
	return "", notes, nil
}

func sameJSON(a, b any) bool {
	ra, err1 := json.Marshal(a)
	rb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ra, rb)
}

// decodeEntries reads entries as proof does (checked), through RecordsOf.
func decodeEntries(es []proof.EntryJSON) ([]proof.Entry, error) {
	if len(es) == 0 {
		return nil, nil
	}
	raw, err := json.Marshal(proof.Export{Entries: es})
	if err != nil {
		return nil, err
	}
	recs, err := proof.RecordsOf(raw)
	if err != nil {
		return nil, fmt.Errorf("monitor: an entry held does not decode: %w", err)
	}
	return recs.Entries, nil
}

// report is the latest signed report of a screen, kept apart from the
// chain with what verifies it (proof.VerifyReport) and its receipt.
type report struct {
	Received  time.Time       `json:"received"`
	Device    string          `json:"device"` // the device.pub key line
	Head      proof.HeadJSON  `json:"head"`
	Report    json.RawMessage `json:"report"` // compact, as signed
	ReportSig string          `json:"report_sig"`
	Receipt   wire.Receipt    `json:"receipt"`
}

// noticeRow is one screen's report on one notice.
type noticeRow struct {
	Received time.Time          `json:"received"`
	Notice   proof.NoticeReport `json:"notice"`
}

// chainBreak is a recorded break of a screen's chain.
type chainBreak struct {
	At      time.Time `json:"at"`
	Reason  string    `json:"reason"`
	OldSeg  uint32    `json:"old_seg"`
	OldHead uint64    `json:"old_head"`
	NewHead uint64    `json:"new_head"`
}

// receipt signs a head with the monitor key.
func (s *Server) receipt(device string, head proof.HeadJSON, at time.Time) wire.Receipt {
	r := wire.Receipt{Device: device, Seq: head.Seq, Hash: head.Hash, Received: at.UTC().Format(time.RFC3339),
		Monitor: string(bytes.TrimSpace(keyLine(feed.EncodePublicKey(s.PublicKey()))))}
	r.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(s.key, wire.ReceiptMessage(r)))
	return r
}

// proofUpload takes a proof upload: assembled, verified, checked against
// the copy, then stored with its report and receipt in one transaction.
func (s *Server) proofUpload(r *http.Request, v view, counter uint64, body []byte) (wire.Answer, error) {
	// At most len(s.proofs) exports are unpacked and verified at once (each
	// may take tens of MB); the slot is given back before the write, which
	// waits for the disk with everyone else's.
	select {
	case s.proofs <- struct{}{}:
	case <-r.Context().Done():
		return wire.Answer{}, refuse(http.StatusServiceUnavailable, "the monitor is busy")
	}
	held := true
	release := func() {
		if held {
			<-s.proofs
			held = false
		}
	}
	defer release()
	up, err := wire.ParseProof(body)
	if err != nil {
		return wire.Answer{}, refuse(http.StatusBadRequest, "%v", err)
	}
	var x proof.Export
	if err := json.Unmarshal(up.Export, &x); err != nil {
		return wire.Answer{}, refuse(http.StatusBadRequest, "proof export unreadable: %v", wire.OneLine(err.Error(), 200))
	}
	cur := v.State.Chain
	whole := up.Base == (wire.Chain{})
	if !whole && up.Base != cur.wire() {
		return wire.Answer{}, refuse(http.StatusConflict, "the upload follows entry %d, the monitor holds entry %d: send what follows it", up.Base.Seq, cur.Seq)
	}
	m, err := s.loadMirror(v.Pub, cur, whole)
	if err != nil {
		return wire.Answer{}, err
	}
	c := x
	if !whole {
		c = assemble(m, x)
	}
	raw, err := wire.Marshal(c)
	if err != nil {
		return wire.Answer{}, err
	}
	if _, err := proof.VerifyExport(raw, v.Pub); err != nil {
		s.event(v.Pub, eventProof, "证明上传未通过核验："+wire.OneLine(err.Error(), 200))
		if whole {
			return wire.Answer{}, refuse(http.StatusUnprocessableEntity, "%v", err)
		}
		// A cut upload that does not verify against the copy: ask for the
		// whole chain, whose check against the copy says what changed.
		return wire.Answer{Whole: true}, refuse(http.StatusConflict, "%v (send the whole chain)", err)
	}
	recs, err := proof.RecordsOf(raw)
	if err != nil {
		return wire.Answer{}, refuse(http.StatusBadRequest, "%v", err)
	}
	var rep proof.Report
	var compact bytes.Buffer
	if err := json.Compact(&compact, c.Report); err != nil {
		return wire.Answer{}, refuse(http.StatusBadRequest, "report: %v", err)
	}
	if err := json.Unmarshal(compact.Bytes(), &rep); err != nil {
		return wire.Answer{}, refuse(http.StatusBadRequest, "report unreadable: %v", wire.OneLine(err.Error(), 200))
	}
	now := s.now()
	brk, notes, err := continues(m, c, recs, v.State.ProofAt, s.opt.Timezone)
	if err != nil {
		return wire.Answer{}, err
	}
	rcpt := s.receipt(c.Device, c.Head, now)
	release()
	st, err := s.update(v.Pub, counter, func(tx *bolt.Tx, st *state) error {
		if st.Chain != cur {
			return refuse(http.StatusConflict, "another proof upload came first")
		}
		next := chainState{Seg: cur.Seg, Seq: c.Head.Seq, Hash: c.Head.Hash, Summarized: cur.Summarized}
		if n := len(c.Summaries); n > 0 {
			next.Summarized = max(next.Summarized, c.Summaries[n-1].LastSeq)
		}
		keep := cur // what is already stored in this segment
		if brk != "" {
			next.Seg, keep = cur.Seg+1, chainState{}
			st.Breaks++
			b := chainBreak{At: now.UTC(), Reason: brk, OldSeg: cur.Seg, OldHead: cur.Seq, NewHead: c.Head.Seq}
			if err := putJSON(tx.Bucket(bucketBreaks), seqKey(v.Pub, uint64(now.UnixNano())), b); err != nil {
				return err
			}
			if err := addEvent(tx, v.Pub, now, eventBreak, "证明记录链断裂："+brk+"。先前收到的记录原样保留。"); err != nil {
				return err
			}
		}
		if err := storeChain(tx, v.Pub, next.Seg, keep, next.Summarized, c); err != nil {
			return err
		}
		for _, n := range notes {
			if err := addEvent(tx, v.Pub, now, eventProof, n); err != nil {
				return err
			}
		}
		if err := putJSON(tx.Bucket(bucketReceipts), seqKey(v.Pub, uint64(now.UnixNano())), rcpt); err != nil {
			return err
		}
		rp := report{Received: now.UTC(), Device: c.Device, Head: c.Head, Report: compact.Bytes(), ReportSig: c.ReportSig, Receipt: rcpt}
		if err := putJSON(tx.Bucket(bucketReports), v.Pub, rp); err != nil {
			return err
		}
		for _, n := range rep.Notices {
			if n.ID == "" || len(n.ID) > 128 {
				continue
			}
			if err := putJSON(tx.Bucket(bucketNotices), noticeKey(n.ID, v.Pub), noticeRow{Received: now.UTC(), Notice: n}); err != nil {
				return err
			}
		}
		st.Chain, st.ProofAt = next, now
		return nil
	})
	if err != nil {
		return wire.Answer{}, err
	}
	s.notices.add(rep.Notices, v.Pub, now)
	return wire.Answer{Counter: st.Counter, Chain: st.Chain.wire(), Receipt: &rcpt}, nil
}

// storeChain writes what c adds to segment seg, of which keep is stored:
// the summaries after keep's, the entries after keep's head; entries that
// summaries now cover go.
func storeChain(tx *bolt.Tx, pub ed25519.PublicKey, seg uint32, keep chainState, summarized uint64, c proof.Export) error {
	sb, eb := tx.Bucket(bucketSummaries), tx.Bucket(bucketEntries)
	for _, sj := range c.Summaries {
		if sj.FirstSeq > keep.Summarized {
			if err := putJSON(sb, segKey(pub, seg, sj.FirstSeq), sj); err != nil {
				return err
			}
		}
	}
	// the entries the summaries now cover: the first ones of the segment
	prefix := segPrefix(pub, seg)
	var covered [][]byte
	c2 := eb.Cursor()
	for k, _ := c2.Seek(prefix); k != nil && hasPrefix(k, prefix) && binary.BigEndian.Uint64(k[len(prefix):]) <= summarized; k, _ = c2.Next() {
		covered = append(covered, append([]byte(nil), k...))
	}
	for _, k := range covered {
		if err := eb.Delete(k); err != nil {
			return err
		}
	}
	for _, ej := range c.Entries {
		if ej.Seq > keep.Seq && ej.Seq > summarized {
			if err := putJSON(eb, segKey(pub, seg, ej.Seq), ej); err != nil {
				return err
			}
		}
	}
	return nil
}
