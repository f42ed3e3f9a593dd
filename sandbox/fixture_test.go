package sandbox_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
)

func TestLoadFixture(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		give    string
		want    []sandbox.Account
		wantErr bool
	}{
		{"accounts", `{"accounts":[{"app_id":"wx1","app_secret":"s1","name":"one","oauth_domains":["www.example.com"]},{"app_id":"wx2","app_secret":"s2"}],"users":[]}`,
			[]sandbox.Account{{AppID: "wx1", AppSecret: "s1", Name: "one", OAuthDomains: []string{"www.example.com"}}, {AppID: "wx2", AppSecret: "s2"}}, false},
		{"callback settings", `{"accounts":[{"app_id":"wx1","app_secret":"s1","callback_url":"https://cb.example.com/wx","callback_token":"tok","encoding_aes_key":"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG","encrypt_mode":"safe","original_id":"gh_0123456789ab"}]}`,
			[]sandbox.Account{{AppID: "wx1", AppSecret: "s1", CallbackURL: "https://cb.example.com/wx", CallbackToken: "tok",
				EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", EncryptMode: sandbox.EncryptSafe, OriginalID: "gh_0123456789ab"}}, false},
		{"bad encrypt mode", `{"accounts":[{"app_id":"wx1","app_secret":"a","encrypt_mode":"aes"}]}`, nil, true},
		{"numeric encrypt mode", `{"accounts":[{"app_id":"wx1","app_secret":"a","encrypt_mode":3}]}`, nil, true},
		{"safe without key", `{"accounts":[{"app_id":"wx1","app_secret":"a","callback_url":"https://cb.example.com/","callback_token":"tok","encrypt_mode":"safe"}]}`, nil, true},
		{"empty", `{}`, nil, false},
		{"not JSON", `accounts: []`, nil, true},
		{"missing secret", `{"accounts":[{"app_id":"wx1"}]}`, nil, true},
		{"bad oauth domain", `{"accounts":[{"app_id":"wx1","app_secret":"a","oauth_domains":["https://www.example.com/"]}]}`, nil, true},
		{"duplicate", `{"accounts":[{"app_id":"wx1","app_secret":"a"},{"app_id":"wx1","app_secret":"b"}]}`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "fixture.json")
			if err := os.WriteFile(path, []byte(tt.give), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := sandbox.LoadFixture(path)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], tt.want[i]) {
					t.Errorf("account %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
	if _, err := sandbox.LoadFixture(filepath.Join(t.TempDir(), "absent.json")); err == nil {
		t.Error("LoadFixture of a missing file succeeded")
	}
}
