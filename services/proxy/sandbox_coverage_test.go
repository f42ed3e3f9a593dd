package proxy_test

import (
	"slices"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/services/proxy"
)

// TestSandboxServesEveryPlatformPath: the proxy's path list is the design's endpoint list
// (endpoints.tsv, but for showqrcode on mp.weixin.qq.com, which the sandbox serves at
// /cgi-bin/showqrcode outside the token-checked table); the sandbox must serve every one,
// so that every domain service can be tested against it over real HTTP.
func TestSandboxServesEveryPlatformPath(t *testing.T) {
	t.Parallel()
	served := sandbox.ServedPaths()
	paths := proxy.Paths()
	if len(paths) < 280 {
		t.Fatalf("the proxy knows %d platform paths; the endpoint list has 281 on api.weixin.qq.com", len(paths))
	}
	for _, p := range paths {
		if !slices.Contains(served, p) {
			t.Errorf("the sandbox does not serve %s", p)
		}
	}
}
