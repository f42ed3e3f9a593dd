package proxy

import (
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	var c Config
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.PathPrefix != "/wx" || c.MaxBodyBytes != 32<<20 || c.ReplayBodyBytes != 1<<20 || c.Timeout.Std() != 2*time.Minute ||
		c.KeyPrefix != "wxsuite" || c.FallbackExpiresIn.Std() != 5*time.Minute || c.RefuseAt != 0 {
		t.Errorf("defaults: %+v", c)
	}
	c = Config{PathPrefix: "/api/wx/", DailyLimits: map[string]int64{"/cgi-bin/menu/trymatch": 0, "/cgi-bin/user/get": 500}}
	c.SetDefaults()
	lim := c.limits()
	if c.PathPrefix != "/api/wx" || lim["/cgi-bin/menu/trymatch"] != 0 || lim["/cgi-bin/user/get"] != 500 || lim["/cgi-bin/message/mass/send"] != 100 {
		t.Errorf("prefix %q, limits %v", c.PathPrefix, lim)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give Config
		want string
	}{
		{give: Config{PathPrefix: "wx"}, want: "path_prefix: must be a URL path"},
		{give: Config{PathPrefix: "/cgi-bin"}, want: "path_prefix: \"/cgi-bin\" would hide"},
		{give: Config{PathPrefix: "/w{x}"}, want: "path_prefix"},
		{give: Config{Hosts: []string{"api.local:8080"}}, want: "hosts[0]: must be a host name"},
		{give: Config{MaxBodyBytes: 10, ReplayBodyBytes: 20}, want: "replay_body_bytes: must not exceed max_body_bytes"},
		{give: Config{RefuseAt: 1.5}, want: "refuse_at: must be a share between 0 (off) and 1"},
		{give: Config{DailyLimits: map[string]int64{"cgi-bin/x": 1}}, want: "daily_limits.cgi-bin/x: must be an API path"},
		{give: Config{DailyLimits: map[string]int64{"/x": -1}}, want: "daily_limits./x: must not be negative"},
		{give: Config{ExtraPaths: []string{"/a/../b"}}, want: "extra_paths[0]: must be an API path"},
		{give: Config{FallbackExpiresIn: config.Duration(3 * time.Hour)}, want: "fallback_expires_in: must be between 0 and 2h"},
		{give: Config{Timeout: -1}, want: "timeout: must not be negative"},
	}
	for _, tt := range tests {
		c := tt.give
		c.SetDefaults()
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.give, err, tt.want)
		}
	}
}

func TestPathKinds(t *testing.T) {
	t.Parallel()
	k := pathKinds([]string{"/cgi-bin/new/api"})
	for path, want := range map[string]kind{
		"/cgi-bin/token": kindTokenLocal, "/cgi-bin/stable_token": kindTokenLocal,
		"/sns/oauth2/access_token": kindSNSExchange, "/sns/userinfo": kindSNSUser,
		"/cgi-bin/menu/create": kindAccountToken, "/cgi-bin/new/api": kindAccountToken,
	} {
		if k[path] != want {
			t.Errorf("kind of %s = %d, want %d", path, k[path], want)
		}
	}
	if _, ok := k["/connect/oauth2/authorize"]; ok || len(Paths()) != 281 || !platformRoot("/card/x") || platformRoot("/wx") {
		t.Errorf("the served paths are not the platform's API paths")
	}
}
