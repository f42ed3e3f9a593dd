// Command pushpeer is the reference peer of bench/pushload: the official-account message
// server of github.com/silenceper/wechat/v2 (the most used Go WeChat SDK), set up the way
// its README shows (a handler per request: GetServer, SetMessageHandler, Serve, Send), in
// safe mode with the same token, EncodingAESKey and appid as the wxsuite account it is
// compared with. It stores nothing and de-duplicates nothing.
//
// It lives in its own Go module so that the SDK never becomes a dependency of wxsuite.
//
//	PUSHPEER_TOKEN=... PUSHPEER_AES_KEY=... pushpeer -addr 127.0.0.1:18182 -appid wx... [-keyword hello -reply 'hi']
//
// Routes: POST/GET /wechat/callback/{app_id} (the SDK's server; only -appid is served),
// GET /readyz, and GET /stats: the counters as JSON, which pushload reads to check that
// every push was really decrypted and handled. With -keyword, a text message whose
// Content is exactly the keyword gets the text reply -reply (encrypted by the SDK); any
// other message gets what the SDK answers in safe mode when the handler returns nil: an
// encrypted envelope around an empty message (Send encrypts whatever it has). A push the SDK refuses (bad signature, bad
// ciphertext) is answered 400 and counted as failed: the SDK's README only prints the
// error, which would leave a 200 with an empty body that looks like an acknowledgement.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/silenceper/wechat/v2"
	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	offconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	log "github.com/sirupsen/logrus"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pushpeer:", err)
		os.Exit(1)
	}
}

// Stats are the counters served at /stats.
type Stats struct {
	// Handled counts messages the SDK decrypted, parsed and passed to the handler.
	Handled int64 `json:"handled"`
	// Replied counts the handled messages answered with the text reply.
	Replied int64 `json:"replied"`
	// Failed counts requests the SDK refused (Serve returned an error).
	Failed int64 `json:"failed"`
	// SendFailed counts replies the SDK could not build or encrypt (Send returned an error).
	SendFailed int64 `json:"send_failed"`
}

// peer is the SDK's server with counters.
type peer struct {
	oa                *officialaccount.OfficialAccount
	appID             string
	keyword, reply    string
	handled, replied  atomic.Int64
	failed, sendFails atomic.Int64
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:18182", "listen address")
	appID := flag.String("appid", "", "the account's appid (required)")
	keyword := flag.String("keyword", "", "answer text messages whose Content is exactly this with -reply (empty: never reply)")
	reply := flag.String("reply", "", "the text reply to -keyword")
	flag.Parse()
	token, aesKey := os.Getenv("PUSHPEER_TOKEN"), os.Getenv("PUSHPEER_AES_KEY")
	switch {
	case *appID == "":
		return errors.New("-appid is required")
	case token == "" || len(aesKey) != 43:
		return errors.New("PUSHPEER_TOKEN and PUSHPEER_AES_KEY (43 characters) must be set")
	case *keyword != "" && *reply == "":
		return errors.New("-keyword needs -reply")
	}
	p := newPeer(*appID, token, aesKey, *keyword, *reply)
	srv := &http.Server{Addr: *addr, Handler: p.routes(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case err := <-errc:
		return err
	case <-sig:
		return srv.Close()
	}
}

// newPeer sets up the SDK's official account with the given credentials.
func newPeer(appID, token, aesKey, keyword, reply string) *peer {
	// The SDK's init sets logrus (its global logger, on stdout) to debug level, which
	// writes three lines per push, one of them the decrypted message. A production
	// deployment turns that down; so does the peer, to be measured at its best. Refusals
	// (error level) still reach the log file pushload keeps.
	log.SetLevel(log.InfoLevel)
	return &peer{
		oa: wechat.NewWechat().GetOfficialAccount(&offconfig.Config{
			AppID: appID, Token: token, EncodingAESKey: aesKey,
			// The cache holds access tokens, which a message server never fetches.
			Cache: cache.NewMemory(),
		}),
		appID: appID, keyword: keyword, reply: reply,
	}
}

// routes serves the callback, /readyz and /stats.
func (p *peer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/wechat/callback/{app_id}", p.serveCallback)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("GET /stats", p.serveStats)
	return mux
}

// serveCallback is the SDK README's handler, plus the counters and a 400 on refusal.
func (p *peer) serveCallback(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("app_id") != p.appID {
		http.NotFound(w, r)
		return
	}
	srv := p.oa.GetServer(r, w)
	srv.SetMessageHandler(func(msg *message.MixMessage) *message.Reply {
		p.handled.Add(1)
		if p.keyword != "" && msg.MsgType == message.MsgTypeText && msg.Content == p.keyword {
			p.replied.Add(1)
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(p.reply)}
		}
		return nil
	})
	if err := srv.Serve(); err != nil {
		p.failed.Add(1)
		http.Error(w, "refused", http.StatusBadRequest)
		return
	}
	if err := srv.Send(); err != nil {
		p.sendFails.Add(1)
	}
}

func (p *peer) serveStats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(Stats{
		Handled: p.handled.Load(), Replied: p.replied.Load(),
		Failed: p.failed.Load(), SendFailed: p.sendFails.Load(),
	})
}
