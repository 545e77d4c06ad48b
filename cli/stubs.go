package cli

// Commands of the contract that later work will build. Each says so and
// exits non-zero, so no script mistakes them for success.
func init() {
	register("demo", "the kiosk on the embedded demo feed (the default)", notYet("touch kiosk"))
	register("kiosk", "run the screen: --data DIR [--mode touch|display] [--fullscreen]", notYet("touch kiosk"))
	register("init", "provision a screen: --data DIR --location CODE --pubkey FILE [--source URL|PATH]...", notYet("local store"))
	register("sync", "sync once: --data DIR [--source URL|PATH]", notYet("local store"))
	register("list", "what this screen shows: --data DIR [--json] [--at TIME]", notYet("local store"))
	register("search", "search notices: --data DIR [--json] QUERY", notYet("local store"))
	register("status", "state of this screen: --data DIR [--json]", notYet("local store"))
	register("check", "integrity of database and attachments: --data DIR", notYet("local store"))
	register("screenshot", "render a screen to PNG: --data DIR --out FILE.png [--screen ...] [--size WxH]", notYet("touch kiosk"))
	register("report", "proof of display: --data DIR [--item ID] [--json]", notYet("proof of display"))
}
