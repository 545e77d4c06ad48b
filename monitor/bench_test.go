package monitor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkScreensPage: the all-screens page (page 1 of 50) for 10,000
// screens, each with a heartbeat: the in-process cost, without the network.
func BenchmarkScreensPage(b *testing.B) {
	m := newTestMonitorF(b)
	h := m.beat(3)
	body, _ := json.Marshal(h)
	for i := range 10000 {
		d := newDeviceF(b)
		if err := m.Enroll(d.pub, fmt.Sprintf("屏幕%05d", i), fmt.Sprintf("3101189012%02d", i%50), "bench"); err != nil {
			b.Fatal(err)
		}
		v, _ := m.fleet.get(d.pub)
		st := v.State
		json.Unmarshal(body, &st.Beat)
		st.Seen = m.clock.now()
		m.fleet.setState(d.pub, st)
	}
	if err := m.SetPassword("clerk", "correct horse battery"); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	id, secret := "s", "secret"
	m.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketSessions), []byte(id), session{User: "clerk", SecretHash: hashSecret(secret), Expires: m.clock.now().Add(sessionTTL)})
	})
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: id + "." + secret})
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d", rec.Code)
		}
	}
}
