package config_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

func ExampleLoad() {
	dir, err := os.MkdirTemp("", "wxsuite-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "wxsuite.yaml")
	yml := `
redis:
  url: redis://127.0.0.1:6379/0
accounts:
  - app_id: wx1234567890
    app_secret: {env: WX_APP_SECRET}
`
	if err := os.WriteFile(path, []byte(yml), 0o600); err != nil {
		fmt.Println(err)
		return
	}
	environ := []string{"WX_APP_SECRET=abc", "WXSUITE_REDIS__URL=redis://redis:6379/1"}
	f, err := config.Load(path, environ)
	if err != nil {
		fmt.Println(err)
		return
	}
	var redis struct {
		URL string `yaml:"url"`
	}
	var accounts config.Accounts
	if err := f.Section("redis", &redis); err != nil {
		fmt.Println(err)
		return
	}
	if err := f.Section("accounts", &accounts); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(redis.URL)
	fmt.Println(accounts[0].Name, accounts[0].TokenEndpoint, accounts[0].AppSecret)
	// Output:
	// redis://redis:6379/1
	// wx1234567890 token [REDACTED]
}
