package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

type redisSection struct {
	URL      string          `yaml:"url"`
	Password config.Secret   `yaml:"password"`
	Addrs    []string        `yaml:"addrs"`
	Timeout  config.Duration `yaml:"timeout"`
	Pool     int             `yaml:"pool_size"`
	TLS      struct {
		Enabled bool `yaml:"enabled"`
	} `yaml:"tls"`
}

type checkedSection struct {
	Name      string `yaml:"name"`
	defaulted bool
}

func (c *checkedSection) SetDefaults() {
	c.defaulted = true
	if c.Name == "" {
		c.Name = "default"
	}
}

func (c *checkedSection) Validate() error {
	if !c.defaulted {
		return &config.FieldError{Key: "name", Msg: "validated before defaults"}
	}
	if c.Name == "bad" {
		return &config.FieldError{Key: "name", Msg: "must not be bad"}
	}
	return nil
}

func TestSectionDecodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		give    string
		environ []string
		want    redisSection
	}{
		{
			name: "plain",
			give: "redis:\n  url: redis://a:6379/0\n  password: inline\n  timeout: 90s\n  pool_size: 7\n",
			want: redisSection{URL: "redis://a:6379/0", Password: config.NewSecret("inline"),
				Timeout: config.Duration(90 * time.Second), Pool: 7},
		},
		{
			name: "integer duration is seconds",
			give: "redis:\n  timeout: 30\n",
			want: redisSection{Timeout: config.Duration(30 * time.Second)},
		},
		{
			name:    "env overrides and inserts",
			give:    "redis:\n  url: redis://a:6379/0\n",
			environ: []string{"WXSUITE_REDIS__URL=redis://x", "WXSUITE_REDIS__POOL_SIZE=12", "WXSUITE_REDIS__TLS__ENABLED=true", "OTHER=1"},
			want: func() redisSection {
				r := redisSection{URL: "redis://x", Pool: 12}
				r.TLS.Enabled = true
				return r
			}(),
		},
		{
			name:    "env creates the section",
			give:    "",
			environ: []string{"WXSUITE_REDIS__ADDRS__0=h1:1", "WXSUITE_REDIS__ADDRS__1=h2:2"},
			want:    redisSection{Addrs: []string{"h1:1", "h2:2"}},
		},
		{
			name:    "env replaces a list item",
			give:    "redis:\n  addrs: [a, b]\n",
			environ: []string{"WXSUITE_REDIS__ADDRS__1=c"},
			want:    redisSection{Addrs: []string{"a", "c"}},
		},
		{
			name: "secret from file",
			give: "redis:\n  password: {file: " + secretFile + "}\n",
			want: redisSection{Password: config.NewSecret("from-file")},
		},
		{
			name:    "secret from env",
			give:    "redis:\n  password: {env: MY_PW}\n",
			environ: []string{"MY_PW=from-env"},
			want:    redisSection{Password: config.NewSecret("from-env")},
		},
		{
			name: "missing section is zero",
			give: "server:\n  addr: :1\n",
			want: redisSection{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := config.FromYAML([]byte(tt.give), tt.environ)
			if err != nil {
				t.Fatalf("FromYAML: %v", err)
			}
			var got redisSection
			if err := f.Section("redis", &got); err != nil {
				t.Fatalf("Section: %v", err)
			}
			if got.URL != tt.want.URL || got.Password.Reveal() != tt.want.Password.Reveal() ||
				got.Timeout != tt.want.Timeout || got.Pool != tt.want.Pool ||
				strings.Join(got.Addrs, ",") != strings.Join(tt.want.Addrs, ",") || got.TLS != tt.want.TLS {
				t.Errorf("got %+v, want %+v (passwords %q vs %q)", got, tt.want,
					got.Password.Reveal(), tt.want.Password.Reveal())
			}
		})
	}
}

func TestSectionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		give    string
		environ []string
		want    string
	}{
		{name: "unknown key", give: "redis:\n  urll: x\n", want: "config: redis.urll: unknown key"},
		{name: "unknown nested key", give: "redis:\n  tls:\n    enabld: true\n", want: "config: redis.tls.enabld: unknown key"},
		{name: "bad duration", give: "redis:\n  timeout: soon\n", want: "config: redis.timeout: invalid duration"},
		{name: "bad int", give: "redis:\n  pool_size: many\n", want: "config: redis.pool_size:"},
		{name: "list expected", give: "redis:\n  addrs: a\n", want: "config: redis.addrs: want a list"},
		{name: "missing env secret", give: "redis:\n  password: {env: NOPE}\n", want: "config: redis.password: environment variable NOPE is not set"},
		{name: "missing secret file", give: "redis:\n  password: {file: /nonexistent/pw}\n", want: "config: redis.password: read secret file"},
		{name: "bad secret source", give: "redis:\n  password: {vault: x}\n", want: "config: redis.password: unknown secret source"},
		{name: "env unknown key", give: "", environ: []string{"WXSUITE_REDIS__NOPE=1"}, want: "config: redis.nope: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := config.FromYAML([]byte(tt.give), tt.environ)
			if err != nil {
				t.Fatalf("FromYAML: %v", err)
			}
			var got redisSection
			err = f.Section("redis", &got)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Section error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestFromYAMLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		give    string
		environ []string
		want    string
	}{
		{name: "unknown top-level key", give: "redsi:\n  url: x\n", want: "config: redsi: unknown key"},
		{name: "unknown top-level key from env", give: "", environ: []string{"WXSUITE_NOPE=1"}, want: "config: nope: unknown key"},
		{name: "not a mapping", give: "- a\n", want: "must be a mapping"},
		{name: "bad yaml", give: "a: [\n", want: "config: parse yaml"},
		{name: "index past end", give: "accounts: []\n", environ: []string{"WXSUITE_ACCOUNTS__3__APP_ID=x"}, want: "WXSUITE_ACCOUNTS__3__APP_ID: index 3 is past the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := config.FromYAML([]byte(tt.give), tt.environ)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("FromYAML error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSectionDefaultsThenValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		give     string
		wantName string
		wantErr  string
	}{
		{name: "defaulted", give: "", wantName: "default"},
		{name: "kept", give: "auth:\n  name: x\n", wantName: "x"},
		{name: "invalid", give: "auth:\n  name: bad\n", wantErr: "config: auth.name: must not be bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := config.FromYAML([]byte(tt.give), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got checkedSection
			err = f.Section("auth", &got)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.wantName {
				t.Errorf("Name = %q, want %q", got.Name, tt.wantName)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "wxsuite.yaml")
	if err := os.WriteFile(path, []byte("server:\n  addr: \":9\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Has("server") || f.Has("redis") {
		t.Errorf("Has: server=%v redis=%v", f.Has("server"), f.Has("redis"))
	}
	if _, err := config.Load(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

func TestJoinKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		parent string
		child  any
		want   string
	}{
		{"", "redis", "redis"},
		{"redis", "url", "redis.url"},
		{"accounts", 1, "accounts[1]"},
		{"accounts", "[1].app_secret", "accounts[1].app_secret"},
		{"accounts[1]", "app_secret", "accounts[1].app_secret"},
	}
	for _, tt := range tests {
		if got := config.JoinKey(tt.parent, tt.child); got != tt.want {
			t.Errorf("JoinKey(%q, %v) = %q, want %q", tt.parent, tt.child, got, tt.want)
		}
	}
}
