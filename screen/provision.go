package screen

import (
	"crypto/ed25519"

	"gongkai/config"
	"gongkai/pin"
	"gongkai/proof"
	"gongkai/store"
)

// Provision makes data a screen: its configuration with the publisher's
// key file, an empty store, its device key, and the admin PIN when one is
// given (""). It returns the configuration as loaded and the device's
// public key.
func Provision(data string, c config.Config, keyFile []byte, adminPIN string) (*config.Config, ed25519.PublicKey, error) {
	if err := config.Init(data, c, keyFile); err != nil {
		return nil, nil, err
	}
	cfg, err := config.Load(data)
	if err != nil {
		return nil, nil, err
	}
	// Create the empty store now, so a data directory that cannot hold one
	// is found at provisioning rather than at the first sync.
	st, err := store.Open(data, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	if err := st.Close(); err != nil {
		return nil, nil, err
	}
	// The device key signs this screen's display log (proof of display).
	deviceKey, err := proof.EnsureDeviceKey(data)
	if err != nil {
		return nil, nil, err
	}
	if adminPIN != "" {
		if err := pin.Write(data, adminPIN); err != nil {
			return nil, nil, err
		}
	}
	return cfg, deviceKey.Public().(ed25519.PublicKey), nil
}
