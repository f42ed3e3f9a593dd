// Command wxsandbox runs the WeChat platform emulator on its own port: the emulated API
// (point wechat.base_url at it) and its admin API over gRPC, Connect and REST.
//
//	wxsandbox [--addr :8081] [--fixture accounts.json] [--no-demo]
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
