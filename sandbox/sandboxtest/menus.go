package sandboxtest

import (
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
)

// This file holds the helpers of the menu, auto-reply and customer-service simulation
// (each fails the test on error).

// ClickMenu makes the simulated user openID tap the key button of the menu they see and
// pushes its event (see [sandbox.Sandbox.ClickMenu]).
func (e *Env) ClickMenu(t testing.TB, appID, openID, key string) sandbox.PushResult {
	t.Helper()
	res, err := e.Sandbox.ClickMenu(t.Context(), appID, openID, key, "")
	if err != nil {
		t.Fatalf("sandboxtest: click menu: %v", err)
	}
	return res
}

// ViewMenu makes the simulated user openID open url (a view button) of the menu they
// see and pushes VIEW (see [sandbox.Sandbox.ViewMenu]).
func (e *Env) ViewMenu(t testing.TB, appID, openID, url string) sandbox.PushResult {
	t.Helper()
	res, err := e.Sandbox.ViewMenu(t.Context(), appID, openID, url, "")
	if err != nil {
		t.Fatalf("sandboxtest: view menu: %v", err)
	}
	return res
}

// SetMenuOptions sets the account's menu behaviours (see [sandbox.MenuOptions]).
func (e *Env) SetMenuOptions(t testing.TB, appID string, o sandbox.MenuOptions) {
	t.Helper()
	if err := e.Sandbox.SetMenuOptions(appID, o); err != nil {
		t.Fatalf("sandboxtest: set menu options: %v", err)
	}
}

// SetAutoReplyInfo sets what get_current_autoreply_info answers (see
// [sandbox.Sandbox.SetAutoReplyInfo]).
func (e *Env) SetAutoReplyInfo(t testing.TB, appID, json string) {
	t.Helper()
	if err := e.Sandbox.SetAutoReplyInfo(appID, []byte(json)); err != nil {
		t.Fatalf("sandboxtest: set auto-reply info: %v", err)
	}
}

// SetConsoleMenu sets the console-made menu get_current_selfmenu_info reports (see
// [sandbox.Sandbox.SetConsoleMenu]).
func (e *Env) SetConsoleMenu(t testing.TB, appID, selfMenuInfo string, open bool) {
	t.Helper()
	if err := e.Sandbox.SetConsoleMenu(appID, []byte(selfMenuInfo), open); err != nil {
		t.Fatalf("sandboxtest: set console menu: %v", err)
	}
}

// AcceptKfInvitation makes the WeChat user invited to kfAccount accept (see
// [sandbox.Sandbox.AnswerKfInvitation]).
func (e *Env) AcceptKfInvitation(t testing.TB, appID, kfAccount string) {
	t.Helper()
	if err := e.Sandbox.AnswerKfInvitation(appID, kfAccount, true); err != nil {
		t.Fatalf("sandboxtest: accept kf invitation: %v", err)
	}
}

// SetKfOnline signs the bound agent kfAccount in (autoAccept 0 means 3) or out (see
// [sandbox.Sandbox.SetKfOnline]).
func (e *Env) SetKfOnline(t testing.TB, appID, kfAccount string, online bool, autoAccept int) {
	t.Helper()
	if err := e.Sandbox.SetKfOnline(appID, kfAccount, online, autoAccept); err != nil {
		t.Fatalf("sandboxtest: set kf online: %v", err)
	}
}

// TransferToKf routes the user openID to customer service as a
// transfer_customer_service reply does and returns the agent ("" when waiting) (see
// [sandbox.Sandbox.TransferToKf]).
func (e *Env) TransferToKf(t testing.TB, appID, openID, kfAccount string) string {
	t.Helper()
	worker, err := e.Sandbox.TransferToKf(appID, openID, kfAccount)
	if err != nil {
		t.Fatalf("sandboxtest: transfer to kf: %v", err)
	}
	return worker
}

// AddKfMessage records text between the user openID and their agent (see
// [sandbox.Sandbox.AddKfMessage]).
func (e *Env) AddKfMessage(t testing.TB, appID, openID string, dir sandbox.KfDirection, text string) {
	t.Helper()
	if err := e.Sandbox.AddKfMessage(appID, openID, dir, text); err != nil {
		t.Fatalf("sandboxtest: add kf message: %v", err)
	}
}
