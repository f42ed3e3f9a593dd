package sandbox_test

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

var openIDShape = regexp.MustCompile(`^o[A-Za-z0-9_-]{27}$`)

func TestUsers(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount(), otherApp}})
	a, err := sb.AddUser(sandboxtest.DemoAppID, alice)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{Nickname: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := sb.AddUser(otherApp.AppID, sandbox.User{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []sandbox.User{a, b, c} {
		if !openIDShape.MatchString(u.OpenID) {
			t.Errorf("generated openid %q does not look like a platform openid", u.OpenID)
		}
	}
	if a.OpenID[:6] != b.OpenID[:6] || a.OpenID[:6] == c.OpenID[:6] {
		t.Errorf("openids of one account share their first six characters, of other accounts not: %s %s %s", a.OpenID, b.OpenID, c.OpenID)
	}
	want := alice
	want.OpenID = a.OpenID
	// A follower without subscription facts gets the clock's now and ADD_SCENE_OTHERS.
	want.SubscribeTime, want.SubscribeScene = sb.Now().Unix(), "ADD_SCENE_OTHERS"
	if a.SubscribeTime > want.SubscribeTime || a.SubscribeTime < want.SubscribeTime-5 {
		t.Errorf("SubscribeTime = %d, want about %d", a.SubscribeTime, want.SubscribeTime)
	}
	want.SubscribeTime = a.SubscribeTime
	if !reflect.DeepEqual(a, want) {
		t.Errorf("AddUser returned %+v, want %+v", a, want)
	}

	// The stored user is a copy.
	a.Privilege[0] = "changed"
	got, err := sb.User(sandboxtest.DemoAppID, a.OpenID)
	if err != nil || got.Privilege[0] != "chinaunicom" {
		t.Errorf("User = %+v, %v: the stored user changed with the returned one", got, err)
	}

	// Replace by openid; chosen openids are kept.
	if _, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{OpenID: b.OpenID, Nickname: "Bobby"}); err != nil {
		t.Fatal(err)
	}
	mine, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{OpenID: "o-test_user"})
	if err != nil || mine.OpenID != "o-test_user" {
		t.Fatalf("AddUser with an openid: %+v %v", mine, err)
	}
	users, err := sb.Users(sandboxtest.DemoAppID)
	if err != nil || len(users) != 3 {
		t.Fatalf("Users = %+v, %v; want 3", users, err)
	}
	for i := 1; i < len(users); i++ {
		if users[i-1].OpenID >= users[i].OpenID {
			t.Errorf("Users not ordered by openid: %+v", users)
		}
	}
	if got, _ := sb.User(sandboxtest.DemoAppID, b.OpenID); got.Nickname != "Bobby" {
		t.Errorf("replaced user = %+v", got)
	}

	if err := sb.DeleteUser(sandboxtest.DemoAppID, mine.OpenID); err != nil {
		t.Fatal(err)
	}
	if err := sb.DeleteUser(sandboxtest.DemoAppID, mine.OpenID); !errors.Is(err, sandbox.ErrUnknownUser) {
		t.Errorf("second DeleteUser: %v, want ErrUnknownUser", err)
	}
	if err := sb.DeleteAccount(otherApp.AppID); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Users(otherApp.AppID); !errors.Is(err, sandbox.ErrUnknownAccount) {
		t.Errorf("Users of a deleted account: %v", err)
	}
}

func TestUserErrors(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}})
	const unknown = "wx9999999999999999"
	tests := []struct {
		name      string
		call      func() error
		wantField string // for an ArgumentError
		wantIs    error
	}{
		{"openid with a space", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{OpenID: "o bad"})
			return err
		}, "user.openid", nil},
		{"openid too long", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{OpenID: string(make([]byte, 65))})
			return err
		}, "user.openid", nil},
		{"unionid with a slash", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{UnionID: "a/b"})
			return err
		}, "user.unionid", nil},
		{"sex 3", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{Sex: 3})
			return err
		}, "user.sex", nil},
		{"unknown subscribe scene", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{SubscribeScene: "ADD_SCENE_MOON"})
			return err
		}, "user.subscribe_scene", nil},
		{"negative subscribe time", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{SubscribeTime: -1})
			return err
		}, "user.subscribe_time", nil},
		{"qr_scene_str of 65 characters", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{QRSceneStr: strings.Repeat("s", 65)})
			return err
		}, "user.qr_scene_str", nil},
		{"remark of 30 characters", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{Remark: strings.Repeat("备", 30)})
			return err
		}, "user.remark", nil},
		{"21 tags", func() error {
			ids := make([]int, 21)
			for i := range ids {
				ids[i] = 100 + i
			}
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{TagIDs: ids})
			return err
		}, "user.tagid_list", nil},
		{"a tag twice", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{TagIDs: []int{2, 2}})
			return err
		}, "user.tagid_list[1]", nil},
		{"an unknown tag", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{TagIDs: []int{2, 999}})
			return err
		}, "user.tagid_list[1]", nil},
		{"client platform 4", func() error {
			_, err := sb.AddUser(sandboxtest.DemoAppID, sandbox.User{ClientPlatformType: 4})
			return err
		}, "user.client_platform_type", nil},
		{"add to unknown account", func() error {
			_, err := sb.AddUser(unknown, sandbox.User{})
			return err
		}, "", sandbox.ErrUnknownAccount},
		{"users of unknown account", func() error {
			_, err := sb.Users(unknown)
			return err
		}, "", sandbox.ErrUnknownAccount},
		{"unknown user", func() error {
			_, err := sb.User(sandboxtest.DemoAppID, "o-nobody")
			return err
		}, "", sandbox.ErrUnknownUser},
		{"delete unknown user", func() error { return sb.DeleteUser(sandboxtest.DemoAppID, "o-nobody") }, "", sandbox.ErrUnknownUser},
		{"delete in unknown account", func() error { return sb.DeleteUser(unknown, "o-nobody") }, "", sandbox.ErrUnknownAccount},
		{"authorizing unknown user", func() error { return sb.SetAuthorizingUser(sandboxtest.DemoAppID, "o-nobody") }, "", sandbox.ErrUnknownUser},
		{"authorizing in unknown account", func() error { return sb.SetAuthorizingUser(unknown, "") }, "", sandbox.ErrUnknownAccount},
		{"code with bad scope", func() error {
			_, err := sb.IssueOAuthCode(sandboxtest.DemoAppID, "o-nobody", "snsapi_login")
			return err
		}, "scope", nil},
		{"code for unknown user", func() error {
			_, err := sb.IssueOAuthCode(sandboxtest.DemoAppID, "o-nobody", "snsapi_base")
			return err
		}, "", sandbox.ErrUnknownUser},
		{"bad oauth domain", func() error {
			return sb.AddAccount(sandbox.Account{AppID: "wx1", AppSecret: "s", OAuthDomains: []string{"ok.example.com", "https://x"}})
		}, "oauth_domains[1]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			var argErr *sandbox.ArgumentError
			switch {
			case tt.wantIs != nil:
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("err = %v, want %v", err, tt.wantIs)
				}
			case !errors.As(err, &argErr) || argErr.Field != tt.wantField:
				t.Fatalf("err = %v, want an ArgumentError for %s", err, tt.wantField)
			}
		})
	}
}

func TestSetAuthorizingUserClearsAndFollowsDeletion(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)
	bob := env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{})
	cb := "https://" + oauthDomain + "/cb"
	q := authorizeQuery(sandboxtest.DemoAppID, cb, snsBase, "")
	checkAuthorize(t, env, "GET", q, "", 50001, "") // two users, none chosen
	if err := env.Sandbox.SetAuthorizingUser(sandboxtest.DemoAppID, bob.OpenID); err != nil {
		t.Fatal(err)
	}
	checkAuthorize(t, env, "GET", q, bob.OpenID, 0, "")
	if err := env.Sandbox.SetAuthorizingUser(sandboxtest.DemoAppID, ""); err != nil {
		t.Fatal(err)
	}
	checkAuthorize(t, env, "GET", q, "", 50001, "")
	if err := env.Sandbox.SetAuthorizingUser(sandboxtest.DemoAppID, bob.OpenID); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.DeleteUser(sandboxtest.DemoAppID, bob.OpenID); err != nil {
		t.Fatal(err)
	}
	checkAuthorize(t, env, "GET", q, u.OpenID, 0, "") // the only user left
}
