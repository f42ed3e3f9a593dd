// Command bare is the HTTP ceiling of bench/pushload: a bare net/http server whose only
// handler reads the request body and answers "success" (WeChat's acknowledgement), with
// no signature check, decryption, parsing or storage. Whatever a callback server does on
// top of net/http costs rate relative to this.
//
//	bare -addr 127.0.0.1:18181
//
// Routes: POST /wechat/callback/{app_id}, GET /readyz, and GET /stats ({"handled": N},
// the pushes answered), which pushload reads to check the run.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18181", "listen address")
	flag.Parse()
	var handled atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /wechat/callback/{app_id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		handled.Add(1)
		_, _ = io.WriteString(w, "success")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]int64{"handled": handled.Load()})
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	case <-sig:
		_ = srv.Close()
	}
}
