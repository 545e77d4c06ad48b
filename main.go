// Command gongkai is the screen and the publisher of Gongkai (公开): see
// README.md. Everything happens in the packages; this only hands over.
package main

import (
	"os"

	"gongkai/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}))
}
