package config_test

import (
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

const aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // 43 characters

func TestAccountsValid(t *testing.T) {
	t.Parallel()
	give := `
accounts:
  - app_id: wx1
    app_secret: s1
  - app_id: wx2
    name: Second
    app_secret: {env: WX2_SECRET}
    token_endpoint: stable_token
    encoding_aes_key: ` + aesKey + `
`
	f, err := config.FromYAML([]byte(give), []string{"WX2_SECRET=s2", "WXSUITE_ACCOUNTS__0__APP_SECRET=override"})
	if err != nil {
		t.Fatal(err)
	}
	var as config.Accounts
	if err := f.Section("accounts", &as); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		appID, name, secret, endpoint string
	}{
		{"wx1", "wx1", "override", config.TokenEndpointToken},
		{"wx2", "Second", "s2", config.TokenEndpointStable},
	}
	for _, tt := range tests {
		a, ok := as.Find(tt.appID)
		if !ok {
			t.Fatalf("Find(%q) found nothing", tt.appID)
		}
		if a.Name != tt.name || a.AppSecret.Reveal() != tt.secret || a.TokenEndpoint != tt.endpoint {
			t.Errorf("account %s = name %q secret ok=%v endpoint %q", tt.appID, a.Name,
				a.AppSecret.Reveal() == tt.secret, a.TokenEndpoint)
		}
	}
	if _, ok := as.Find("wx3"); ok {
		t.Error("Find(wx3) found an account")
	}
}

func TestAccountsInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		want string
	}{
		{name: "missing secret", give: "- {app_id: wx1, app_secret: s}\n- {app_id: wx2}\n", want: "config: accounts[1].app_secret: required"},
		{name: "missing app_id", give: "- {app_secret: s}\n", want: "config: accounts[0].app_id: required"},
		{name: "duplicate", give: "- {app_id: wx1, app_secret: s}\n- {app_id: wx1, app_secret: s}\n", want: "config: accounts[1].app_id: duplicate"},
		{name: "bad endpoint", give: "- {app_id: wx1, app_secret: s, token_endpoint: magic}\n", want: "config: accounts[0].token_endpoint:"},
		{name: "short aes key", give: "- {app_id: wx1, app_secret: s, encoding_aes_key: abc}\n", want: "config: accounts[0].encoding_aes_key: want exactly 43"},
		{name: "non-base64 aes key", give: "- {app_id: wx1, app_secret: s, encoding_aes_key: \"" + strings.Repeat("!", 43) + "\"}\n", want: "config: accounts[0].encoding_aes_key: want exactly 43"},
		{name: "bad previous aes key", give: "- {app_id: wx1, app_secret: s, previous_encoding_aes_key: " + aesKey + "=}\n", want: "config: accounts[0].previous_encoding_aes_key:"},
		{name: "unknown key", give: "- {app_id: wx1, app_secret: s, appsecret: x}\n", want: "config: accounts[0].appsecret: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := config.FromYAML([]byte("accounts:\n"+indent(tt.give)), nil)
			if err != nil {
				t.Fatal(err)
			}
			var as config.Accounts
			err = f.Section("accounts", &as)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), aesKey) {
				t.Errorf("error reveals the AES key: %v", err)
			}
		})
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ") + "\n"
}

func TestAccountDomains(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give    []string
		wantErr string
	}{
		{give: []string{"example.com", "shop.example.com:8443", "127.0.0.1"}},
		{give: []string{"https://example.com"}, wantErr: "oauth_domains[0]"},
		{give: []string{"ok.com", "example.com/path"}, wantErr: "oauth_domains[1]"},
		{give: []string{""}, wantErr: "oauth_domains[0]"},
	}
	for _, tt := range tests {
		a := config.Account{AppID: "wx1", AppSecret: config.NewSecret("s"), OAuthDomains: tt.give}
		err := a.Validate()
		if tt.wantErr == "" && err != nil {
			t.Errorf("%v: %v", tt.give, err)
		}
		if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%v: err %v, want %q", tt.give, err, tt.wantErr)
		}
	}
}
