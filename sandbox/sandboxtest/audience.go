package sandboxtest

import (
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
)

// GenerateFollowers adds n generated followers to the account appID (see
// [sandbox.Sandbox.GenerateFollowers]) and returns the account's follower count; it
// fails the test on error.
func (e *Env) GenerateFollowers(t testing.TB, appID string, n int) int {
	t.Helper()
	total, err := e.Sandbox.GenerateFollowers(appID, n)
	if err != nil {
		t.Fatalf("sandboxtest: generate %d followers for %s: %v", n, appID, err)
	}
	return total
}

// ScanQRCode makes the user openID ("" for a new user) scan the QR code ticket of the
// account appID (see [sandbox.Sandbox.ScanQRCode]) and returns what happened; it fails
// the test on error.
func (e *Env) ScanQRCode(t testing.TB, appID, ticket, openID string) sandbox.ScanResult {
	t.Helper()
	res, err := e.Sandbox.ScanQRCode(t.Context(), appID, ticket, openID)
	if err != nil {
		t.Fatalf("sandboxtest: scan QR code of %s: %v", appID, err)
	}
	return res
}

// Subscribe makes the user openID ("" for a new user) follow the account appID with the
// subscribe scene ("" for ADD_SCENE_OTHERS) and returns what happened (see
// [sandbox.Sandbox.Subscribe]); it fails the test on error.
func (e *Env) Subscribe(t testing.TB, appID, openID, scene string) sandbox.FollowResult {
	t.Helper()
	res, err := e.Sandbox.Subscribe(t.Context(), appID, openID, scene)
	if err != nil {
		t.Fatalf("sandboxtest: subscribe to %s: %v", appID, err)
	}
	return res
}

// CreateTag creates a tag of the account appID (see [sandbox.Sandbox.CreateTag]); it
// fails the test on error.
func (e *Env) CreateTag(t testing.TB, appID, name string) sandbox.Tag {
	t.Helper()
	tag, err := e.Sandbox.CreateTag(appID, name)
	if err != nil {
		t.Fatalf("sandboxtest: create tag %q of %s: %v", name, appID, err)
	}
	return tag
}
