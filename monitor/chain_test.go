package monitor

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/monitor/wire"
	"gongkai/proof"
)

// TestProofChainKept: the whole chain first, then only what follows; the
// monitor's copy is then the screen's chain, which proof verifies, and
// each head comes back countersigned.
func TestProofChainKept(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村", "310118901201")
	pl := newProofLog(t, d.key, m.clock)
	pl.run(20*time.Minute, "a", "b")
	code, ans := m.sendProof(t, d, pl.export(), wire.Chain{})
	if code != http.StatusOK || ans.Chain.Seq == 0 || ans.Receipt == nil {
		t.Fatalf("whole upload: %d %+v", code, ans)
	}
	checkReceipt(t, m, *ans.Receipt, d.pub)
	first := ans.Chain

	pl.run(30*time.Minute, "b", "c")
	export := pl.export()
	up := cutExport(t, export, first)
	var cut proof.Export
	json.Unmarshal(up.Export, &cut)
	if len(cut.Entries) == 0 || cut.Entries[0].Seq != first.Seq+1 {
		t.Fatalf("the cut upload starts at entry %v, want %d", cut.Entries, first.Seq+1)
	}
	code, ans = m.sendProof(t, d, export, first)
	if code != http.StatusOK || ans.Chain.Seq <= first.Seq {
		t.Fatalf("cut upload: %d %+v", code, ans)
	}
	held, err := m.Export(d.pub)
	if err != nil {
		t.Fatal(err)
	}
	v, err := proof.VerifyExport(held, d.pub)
	if err != nil {
		t.Fatalf("the monitor's copy does not verify: %v", err)
	}
	var x proof.Export
	json.Unmarshal(export, &x)
	if v.Head.Seq != x.Head.Seq || hex.EncodeToString(v.Head.Hash[:]) != x.Head.Hash {
		t.Fatalf("the copy ends at %d, the screen's chain at %d", v.Head.Seq, x.Head.Seq)
	}
	if len(v.Report.Notices) != 3 {
		t.Errorf("the copy's report has %d notices, want 3", len(v.Report.Notices))
	}
	// the notices are indexed for their pages
	if n, ok := m.notices.get("c"); !ok || n.Screens() != 1 {
		t.Errorf("notice c: %+v %v", n, ok)
	}
	// a cut upload against a stale base is asked to follow the monitor's head
	code, ans = m.sendProof(t, d, pl.export(), first)
	if code != http.StatusConflict || ans.Chain.Seq != v.Head.Seq {
		t.Errorf("an upload following an old head: %d %+v", code, ans)
	}
	if breaks := m.breaks(t, d); len(breaks) != 0 {
		t.Errorf("breaks on an honest chain: %+v", breaks)
	}
}

func checkReceipt(t *testing.T, m *testMonitor, r wire.Receipt, pub ed25519.PublicKey) {
	t.Helper()
	sig, _ := base64.StdEncoding.DecodeString(r.Sig)
	if !ed25519.Verify(m.PublicKey(), wire.ReceiptMessage(r), sig) {
		t.Fatal("the receipt does not verify under the monitor key")
	}
	if !strings.Contains(r.Device, base64.StdEncoding.EncodeToString(pub)) {
		t.Fatalf("the receipt names device %q", r.Device)
	}
}

func (m *testMonitor) breaks(t *testing.T, d *device) []event {
	t.Helper()
	evs, err := m.events(d.pub, 200)
	if err != nil {
		t.Fatal(err)
	}
	var out []event
	for _, e := range evs {
		if e.Kind == eventBreak {
			out = append(out, e)
		}
	}
	return out
}

// forge rewrites an export as a forger holding the device key would:
// edit changes the entries, then every hash after the first change is
// recomputed and the head and the report signed again. The result passes
// proof.VerifyExport — which is why the monitor must hold the anchor.
func forge(t *testing.T, export []byte, key ed25519.PrivateKey, edit func([]proof.Entry)) []byte {
	t.Helper()
	var x proof.Export
	if err := json.Unmarshal(export, &x); err != nil {
		t.Fatal(err)
	}
	recs, err := proof.RecordsOf(export)
	if err != nil {
		t.Fatal(err)
	}
	es := recs.Entries
	edit(es)
	for i := range es {
		if i > 0 {
			es[i].Prev = es[i-1].Hash()
		}
		h := es[i].Hash()
		x.Entries[i] = proof.EntryJSON{Seq: es[i].Seq, Kind: es[i].Kind, Item: es[i].Item,
			Start: time.Unix(es[i].Start, 0).UTC().Format(time.RFC3339), End: time.Unix(es[i].End, 0).UTC().Format(time.RFC3339),
			Prev: hex.EncodeToString(es[i].Prev[:]), Hash: hex.EncodeToString(h[:]), Seconds: es[i].Seconds}
	}
	head := es[len(es)-1].Hash()
	x.Head.Hash = hex.EncodeToString(head[:])
	msg := binary.BigEndian.AppendUint64([]byte("gongkai-display-head/1\x00"), x.Head.Seq)
	x.Head.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, append(msg, head[:]...)))
	var compact bytes.Buffer
	json.Compact(&compact, x.Report)
	rmsg := append(append([]byte("gongkai-display-report/1\x00"), head[:]...), compact.Bytes()...)
	x.ReportSig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, rmsg))
	out, err := wire.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proof.VerifyExport(out, key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatalf("the forgery does not even verify on its own: %v", err)
	}
	return out
}

// TestForgedChainIsABreak: #22's forgery — an interval lengthened by 30
// days, the chain re-hashed and re-signed with the device key — passes
// `report --verify` on its own, and the monitor flags it as a break, keeps
// what it had received, and answers a cut upload of it with "send the
// whole chain".
func TestForgedChainIsABreak(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村", "310118901201")
	pl := newProofLog(t, d.key, m.clock)
	pl.run(20*time.Minute, "a")
	code, ans := m.sendProof(t, d, pl.export(), wire.Chain{})
	if code != http.StatusOK {
		t.Fatalf("honest upload: %d %s", code, ans.Error)
	}
	honest, _ := m.Export(d.pub)
	pl.run(20*time.Minute, "a")
	forged := forge(t, pl.export(), d.key, func(es []proof.Entry) {
		for i := range es {
			if es[i].Kind == proof.KindShown && es[i].Item == "a" {
				es[i].Start -= 30 * 24 * 3600 // a month of posting that never was
				return
			}
		}
		t.Fatal("no shown entry to forge")
	})
	code, ans = m.sendProof(t, d, forged, ans.Chain)
	if code != http.StatusConflict || !ans.Whole {
		t.Fatalf("a cut upload of the forged chain: %d %+v, want 409 asking for the whole chain", code, ans)
	}
	code, ans = m.sendProof(t, d, forged, wire.Chain{})
	if code != http.StatusOK {
		t.Fatalf("the whole forged chain: %d %s", code, ans.Error)
	}
	brk := m.breaks(t, d)
	if len(brk) != 1 || !strings.Contains(brk[0].Text, "不同") {
		t.Fatalf("breaks: %+v", brk)
	}
	v, _ := m.fleet.get(d.pub)
	if v.State.Breaks != 1 || v.State.Chain.Seg != 1 {
		t.Fatalf("state after the break: %+v", v.State)
	}
	// what was received before is kept as it was, in segment 0
	old, err := m.loadMirror(d.pub, chainState{Seg: 0}, true)
	if err != nil {
		t.Fatal(err)
	}
	var h proof.Export
	json.Unmarshal(honest, &h)
	if len(old.entries) != len(h.Entries) || old.entries[0].Hash != h.Entries[0].Hash {
		t.Fatalf("segment 0 holds %d entries, the honest upload had %d", len(old.entries), len(h.Entries))
	}
	// the page says so
	b := m.browser(t)
	b.login("clerk", "correct horse battery")
	_, page := b.get(screenURL(v.ID))
	if !strings.Contains(page, "证明记录链断裂") {
		t.Error("the screen's page does not show the break")
	}
	_, list := b.get("/")
	if !strings.Contains(list, "公示证明记录链断裂") {
		t.Error("the all-screens page does not alert the break")
	}
}

// TestRestartedLogIsABreak: a display log started again (a new display.db
// with the same key) and a chain that ends before the head received.
func TestRestartedLogIsABreak(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村", "310118901201")
	pl := newProofLog(t, d.key, m.clock)
	pl.run(30*time.Minute, "a", "b", "c")
	if code, ans := m.sendProof(t, d, pl.export(), wire.Chain{}); code != http.StatusOK {
		t.Fatalf("first: %d %s", code, ans.Error)
	}
	fresh := newProofLog(t, d.key, m.clock)
	fresh.run(time.Minute, "a")
	code, ans := m.sendProof(t, d, fresh.export(), wire.Chain{})
	if code != http.StatusOK {
		t.Fatalf("the restarted log: %d %s", code, ans.Error)
	}
	if brk := m.breaks(t, d); len(brk) != 1 || !strings.Contains(brk[0].Text, "早于") {
		t.Fatalf("breaks: %+v", brk)
	}
}

// signSummary signs a summary body as proof does (FORMAT.md), for forging.
func signSummary(key ed25519.PrivateKey, s *proof.SummaryJSON) {
	b := []byte("gongkai-display-summary/1\x00")
	str := func(v string) { b = binary.BigEndian.AppendUint16(b, uint16(len(v))); b = append(b, v...) }
	hash := func(v string) { h, _ := hex.DecodeString(v); b = append(b, h...) }
	str(s.Day)
	b = binary.BigEndian.AppendUint64(b, s.FirstSeq)
	b = binary.BigEndian.AppendUint64(b, s.LastSeq)
	hash(s.Prev)
	hash(s.LastHash)
	b = binary.BigEndian.AppendUint32(b, uint32(len(s.Totals)))
	for _, t := range s.Totals {
		str(t.Kind)
		str(t.Item)
		b = binary.BigEndian.AppendUint64(b, uint64(t.Seconds))
		b = binary.BigEndian.AppendUint32(b, uint32(len(t.Spans)))
		for _, sp := range t.Spans {
			b = binary.BigEndian.AppendUint64(b, uint64(sp[0]))
			b = binary.BigEndian.AppendUint64(b, uint64(sp[1]))
		}
	}
	s.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, b))
}

// TestSummariesChecked: the screen rolls entries the monitor holds into
// daily summaries; an honest summary replaces them, one whose totals were
// changed (and signed again) is a break.
func TestSummariesChecked(t *testing.T) {
	for _, forgeIt := range []bool{false, true} {
		name := map[bool]string{false: "honest", true: "forged"}[forgeIt]
		t.Run(name, func(t *testing.T) {
			m := newTestMonitor(t)
			d := newDevice(t)
			m.enroll(t, d, "东湾村", "310118901201")
			m.clock.t = time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
			pl := newProofLog(t, d.key, m.clock)
			var chain wire.Chain
			// two days of entries, received
			for day := range 2 {
				pl.run(2*time.Hour, "a", "b"+itoa(day))
				code, ans := m.sendProof(t, d, pl.export(), chain)
				if code != http.StatusOK {
					t.Fatalf("day %d: %d %s", day, code, ans.Error)
				}
				chain = ans.Chain
				m.clock.add(22 * time.Hour)
			}
			// forty days later the screen has rolled those days up
			m.clock.add(40 * 24 * time.Hour)
			pl.log.Close()
			l, err := proof.Open(pl.dir, d.key, m.clock.now)
			if err != nil {
				t.Fatal(err)
			}
			pl.log = l
			pl.run(time.Hour, "a")
			export := pl.export()
			var x proof.Export
			json.Unmarshal(export, &x)
			if len(x.Summaries) == 0 {
				t.Fatal("the screen made no summaries")
			}
			if forgeIt {
				x.Summaries[0].Totals[len(x.Summaries[0].Totals)-1].Seconds += 30 * 24 * 3600
				signSummary(d.key, &x.Summaries[0])
				export, _ = wire.Marshal(x)
				if _, err := proof.VerifyExport(export, d.pub); err != nil {
					t.Fatalf("the forged summary does not verify on its own: %v", err)
				}
			}
			code, ans := m.sendProof(t, d, export, chain)
			if code != http.StatusOK {
				t.Fatalf("the upload with summaries: %d %s", code, ans.Error)
			}
			brk := m.breaks(t, d)
			if forgeIt {
				if len(brk) != 1 || !strings.Contains(brk[0].Text, "不符") {
					t.Fatalf("a forged summary: breaks %+v", brk)
				}
				return
			}
			if len(brk) != 0 {
				t.Fatalf("an honest summary: breaks %+v", brk)
			}
			held, _ := m.Export(d.pub)
			v, err := proof.VerifyExport(held, d.pub)
			if err != nil || v.Summaries != len(x.Summaries) {
				t.Fatalf("the copy after summaries: %v, %d summaries, want %d", err, v.Summaries, len(x.Summaries))
			}
			// another screen's summaries sort after this one's: the next cut
			// upload still finds this screen's last summary
			err = m.db.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bucketSummaries).Put(segKey(bytes.Repeat([]byte{0xff}, 32), 0, 1), []byte("{}"))
			})
			if err != nil {
				t.Fatal(err)
			}
			pl.run(time.Hour, "a", "c")
			if code, ans := m.sendProof(t, d, pl.export(), ans.Chain); code != http.StatusOK {
				t.Fatalf("a cut upload after summaries: %d %s", code, ans.Error)
			}
		})
	}
}
