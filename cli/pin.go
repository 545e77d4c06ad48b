package cli

import (
	"fmt"
	"gongkai/screen"
)

func init() {
	register("pin", "set the admin panel's PIN (and clear a lockout): --data DIR --pin-file FILE", runPIN)
}

// pinFileUsage is the help of --pin-file, for init and pin.
const pinFileUsage = "file holding the admin panel's PIN, 4-12 digits on a line (# comments allowed); a file, so the PIN is in no shell history or process list"

// runPIN sets the admin PIN of a provisioned screen from the machine
// itself (screen.SetPIN).
func runPIN(env *Env, args []string) error {
	fs := newFlags(env, "pin")
	data := dataFlag(fs)
	file := fs.String("pin-file", "", pinFileUsage)
	if err := parse(fs, args, 0, "pin-file"); err != nil {
		return err
	}
	digits, err := screen.SetPIN(*data, *file)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "admin PIN of %s set (%d digits); any lockout is cleared\n", *data, digits)
	return nil
}
