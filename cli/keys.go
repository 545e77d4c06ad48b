package cli

import (
	"fmt"

	"gongkai/keyfile"
)

// prompt asks an encrypted key's passphrase from passFile, or on the
// command's terminal.
func prompt(env *Env, passFile string) keyfile.Prompt {
	return keyfile.Prompt{File: passFile, In: env.Stdin, Out: env.Stderr}
}

// plainKeyWarning is publish's line about a key file anyone who copies
// it can publish with.
func plainKeyWarning(env *Env, path string) {
	fmt.Fprintf(env.Stderr, "warning: %s is not encrypted: anyone with a copy can publish; encrypt it with gongkai keygen --encrypt-existing %s\n", path, path)
}
