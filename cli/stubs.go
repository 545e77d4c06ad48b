package cli

// Commands of the contract that later work will build. Each says so and
// exits non-zero, so no script mistakes them for success.
func init() {
	register("report", "proof of display: --data DIR [--item ID] [--json]", notYet("proof of display"))
}
