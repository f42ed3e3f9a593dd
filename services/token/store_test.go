package token

import (
	"strings"
	"testing"
)

// hashTag returns the part of key Redis Cluster hashes: the first non-empty {…} section.
func hashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func TestKeysOfOneAccountShareAClusterSlot(t *testing.T) {
	t.Parallel()
	k := keys{prefix: "wxsuite", appID: "wx0123456789abcdef"}
	all := []string{k.status(), k.user("o6_bmjrPTlm6_2sgVt7hMZOPfL2M"), k.user("another-openid"), k.quotaClears("2026-05")}
	for _, kd := range []kind{kindAccessToken, kindJSAPI, kindWXCard} {
		all = append(all, k.value(kd), k.lock(kd))
	}
	seen := map[string]bool{}
	for _, key := range all {
		if seen[key] {
			t.Errorf("key %q used twice", key)
		}
		seen[key] = true
		if got := hashTag(key); got != k.appID {
			t.Errorf("key %q hashes on %q, want the account %q", key, got, k.appID)
		}
	}
}
