package sandboxtest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
)

// AckCallback starts an HTTP server that answers every push with "success" and sets it
// as the callback URL of the account appID (plaintext mode, token "sandboxtest"), so
// that pushes, and with them customer-service windows, work without a wxsuite server.
// The server stops when the test ends.
func (e *Env) AckCallback(t testing.TB, appID string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("success"))
	}))
	t.Cleanup(srv.Close)
	e.SetCallback(t, appID, srv.URL+"/callback", "sandboxtest", "", sandbox.EncryptPlain)
}

// InboxChannel returns what the user openID received from the account appID through
// channel (sandbox.ChannelCustom, ChannelTemplate, ChannelSubscribe, ChannelMass or
// ChannelPassiveReply), oldest first; it fails the test on error.
func (e *Env) InboxChannel(t testing.TB, appID, openID, channel string) []sandbox.InboxItem {
	t.Helper()
	var out []sandbox.InboxItem
	for _, it := range e.Inbox(t, appID, openID).Items {
		if it.Channel == channel {
			out = append(out, it)
		}
	}
	return out
}

// WaitInbox waits up to 10 s until the user openID has at least n items in channel and
// returns them; it fails the test otherwise. Job-finish pushes and the services' own
// asynchronous sends arrive a moment after the call that caused them.
func (e *Env) WaitInbox(t testing.TB, appID, openID, channel string, n int) []sandbox.InboxItem {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		items := e.InboxChannel(t, appID, openID, channel)
		if len(items) >= n {
			return items
		}
		if time.Now().After(deadline) {
			t.Fatalf("sandboxtest: %s has %d %s items, want %d", openID, len(items), channel, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// SetOutboundSettings sets the account's outbound rules (see
// [sandbox.Sandbox.SetOutboundSettings]); it fails the test on error.
func (e *Env) SetOutboundSettings(t testing.TB, appID string, o sandbox.OutboundSettings) {
	t.Helper()
	if err := e.Sandbox.SetOutboundSettings(appID, o); err != nil {
		t.Fatalf("sandboxtest: set outbound settings: %v", err)
	}
}

// SubscribeNotifications makes the user accept (or reject) subscribe templates in a
// popup (see [sandbox.Sandbox.SubscribeNotifications]); it fails the test on error.
func (e *Env) SubscribeNotifications(t testing.TB, appID, openID string, ds ...sandbox.SubscribeDecision) sandbox.PushResult {
	t.Helper()
	res, err := e.Sandbox.SubscribeNotifications(t.Context(), appID, openID, 2, ds)
	if err != nil {
		t.Fatalf("sandboxtest: subscribe notifications: %v", err)
	}
	return res
}

// ConfirmOneTimeSubscription makes the user confirm a one-time subscription (see
// [sandbox.Sandbox.ConfirmOneTimeSubscription]); it fails the test on error.
func (e *Env) ConfirmOneTimeSubscription(t testing.TB, appID, openID, templateID string, scene int) {
	t.Helper()
	if err := e.Sandbox.ConfirmOneTimeSubscription(appID, openID, templateID, scene); err != nil {
		t.Fatalf("sandboxtest: confirm one-time subscription: %v", err)
	}
}
