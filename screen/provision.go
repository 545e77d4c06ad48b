package screen

import (
	"crypto/ed25519"
	"fmt"
	"io"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/keyfile"
	"gongkai/pin"
	"gongkai/proof"
	"gongkai/store"
)

// Provisioned is a screen Provision made, as gongkai init says it.
type Provisioned struct {
	Data   string
	Config *config.Config // as loaded
	Device ed25519.PublicKey
	PIN    bool // an admin PIN was set
}

// Provision makes data a screen: its configuration with the publisher's
// key file keyPath, an empty store, its device key, and the admin PIN of
// pinFile when one is given (""). Both files are read before anything is
// written: a bad one leaves the directory uninitialised.
func Provision(data string, c config.Config, keyPath, pinFile string) (*Provisioned, error) {
	keyFile, err := keyfile.ReadSmall(keyPath)
	if err != nil {
		return nil, fmt.Errorf("publisher key: %w", err)
	}
	var adminPIN string
	if pinFile != "" {
		if adminPIN, err = pin.ReadFile(pinFile); err != nil {
			return nil, err
		}
	}
	if err := config.Init(data, c, keyFile); err != nil {
		return nil, err
	}
	cfg, err := config.Load(data)
	if err != nil {
		return nil, err
	}
	// Create the empty store now, so a data directory that cannot hold one
	// is found at provisioning rather than at the first sync.
	st, err := store.Open(data, store.Options{})
	if err != nil {
		return nil, err
	}
	if err := st.Close(); err != nil {
		return nil, err
	}
	// The device key signs this screen's display log (proof of display).
	deviceKey, err := proof.EnsureDeviceKey(data)
	if err != nil {
		return nil, err
	}
	if adminPIN != "" {
		if err := pin.Write(data, adminPIN); err != nil {
			return nil, err
		}
	}
	return &Provisioned{Data: data, Config: cfg, Device: deviceKey.Public().(ed25519.PublicKey), PIN: adminPIN != ""}, nil
}

// WriteText says what was made, and what is still missing or only for a
// demonstration.
func (p *Provisioned) WriteText(w io.Writer) {
	fmt.Fprintf(w, "initialised %s: screen at %s, publisher key %s, %d source(s)\n",
		p.Data, p.Config.Location, feed.Fingerprint(p.Config.PublicKey()), len(p.Config.Sources))
	fmt.Fprintf(w, "device key %s (signs the display log)\n", feed.Fingerprint(p.Device))
	if !p.PIN {
		fmt.Fprintf(w, "note: no admin PIN (--pin-file): the admin panel stays shut until gongkai pin --data %s --pin-file FILE sets one\n", p.Data)
	}
	if IsDemo(p.Config) {
		fmt.Fprintln(w, "note: this is the public DEMO key; anyone can sign feeds for it. Use it for demonstrations only.")
	}
}

// SetPIN sets the admin PIN of the provisioned screen in data from the
// file pinFile (gongkai pin): after init without one, for a forgotten
// PIN, a damaged admin.pin or a lockout, which it clears. The admin panel
// reads the PIN at each opening, so a running kiosk needs no restart. It
// returns the PIN's length.
func SetPIN(data, pinFile string) (digits int, err error) {
	p, err := pin.ReadFile(pinFile)
	if err != nil {
		return 0, err
	}
	if _, err := config.Load(data); err != nil {
		return 0, err
	}
	return len(p), pin.Write(data, p)
}
