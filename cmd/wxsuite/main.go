// Command wxsuite runs the wxsuite services: all of them in one process or any subset.
//
//	wxsuite serve --config FILE [--services LIST]
//	wxsuite dev   [--addr ADDR] [--sandbox-addr ADDR] [--api-key KEY]
//	wxsuite keygen --id NAME [--app-ids LIST] [--scopes LIST]
//	wxsuite version
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}
